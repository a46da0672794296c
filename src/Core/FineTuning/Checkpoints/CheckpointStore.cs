using System.Globalization;
using System.Text.Json;
using TuningService.Core.Configuration;

namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>
/// A job's checkpoints on disk, written so that a crash never leaves a damaged folder under a checkpoint's name and
/// damage done later (a truncated or rewritten file) is detected before a resume trusts it.
/// </summary>
/// <remarks>
/// <para>Writing: <see cref="BeginWrite"/> hands out a hidden staging folder beside the final one (same file system, so
/// the final step is a rename); the caller fills it; <see cref="Commit"/> fsyncs every file, writes and fsyncs a
/// manifest of sizes and SHA-256s last, renames the folder to <c>step-{N}</c> and fsyncs the job folder. A folder named
/// <c>step-{N}</c> with a manifest is therefore complete; anything else under the job is a leftover for the sweeps.</para>
/// <para>One writer per job is assumed (the worker holding the job's lease); readers may run at any time.</para>
/// </remarks>
public sealed class CheckpointStore(DataPaths paths)
{
    public const string ManifestFileName = "checkpoint_manifest.json";

    const string StepPrefix = "step-";
    const string StagingPrefix = ".partial-step-";
    // Where a replaced or deleted checkpoint goes for the moment before it is deleted: renaming it away first means
    // a crash mid-delete leaves a hidden leftover for the sweeps, never a half-deleted step folder with its manifest.
    const string RetiredPrefix = ".retired-step-";
    // The parent of DataPaths.JobRelativePath(jobId).
    const string JobsFolder = "jobs";

    // Hidden and system files are skipped by default; on Unix every name starting with '.' counts as hidden, and a
    // checkpoint may hold such files (and the leftovers the sweeps look for are named that way).
    static readonly EnumerationOptions Entries = new() { AttributesToSkip = 0, IgnoreInaccessible = false };
    static readonly EnumerationOptions AllEntriesBelow = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = true };

    static readonly StringComparison PathComparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>Creates and returns an empty staging folder for (<paramref name="jobId"/>, <paramref name="step"/>)
    /// beside the final one: <c>jobs/{jobId}/.partial-step-{step}-{guid}</c>.</summary>
    public string BeginWrite(string jobId, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var job = JobFolder(jobId);
        if (!Directory.Exists(job))
        {
            Directory.CreateDirectory(job);
            DirectorySync.Flush(Path.GetDirectoryName(job)!); // the job folder's own entry, or a commit into it is lost with it
        }
        var staging = Path.Combine(job, $"{StagingPrefix}{step}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>
    /// Makes a staged folder the checkpoint of (<paramref name="jobId"/>, <paramref name="step"/>): every file is
    /// fsynced, then the manifest is written and fsynced last inside the staging folder, then the folder is renamed to
    /// <c>jobs/{jobId}/step-{step}</c> (an existing checkpoint at that step is replaced) and the job folder fsynced.
    /// The staging folder is deleted if anything fails. Returns <see cref="DataPaths.CheckpointRelativePath"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stagingFolder"/> is not a staging folder that
    /// <see cref="BeginWrite"/> made for this job and step (it is then left alone).</exception>
    public string Commit(string jobId, int step, string stagingFolder)
    {
        var job = JobFolder(jobId);
        var staging = Path.GetFullPath(stagingFolder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        // Only a folder staged beside the final one is accepted: the rename that commits it must stay on one file
        // system, and the clean-up on failure must never delete a folder of the caller's own.
        if (!string.Equals(Path.GetDirectoryName(staging), job, PathComparison)
            || !Path.GetFileName(staging).StartsWith($"{StagingPrefix}{step}-", StringComparison.Ordinal))
            throw new ArgumentException($"'{stagingFolder}' is not a staging folder of job {jobId}, step {step}; use {nameof(BeginWrite)}.", nameof(stagingFolder));
        if (!Directory.Exists(staging)) throw new DirectoryNotFoundException($"The staging folder '{staging}' does not exist.");

        var relative = DataPaths.CheckpointRelativePath(jobId, step);
        try
        {
            var manifest = new CheckpointManifest(CheckpointManifest.CurrentFormat, step, DateTimeOffset.UtcNow, SyncAndDescribe(staging));
            WriteManifest(staging, manifest);
            MoveIntoPlace(staging, paths.Resolve(relative), job, step);
        }
        catch
        {
            DeleteIfPresent(staging);
            throw;
        }
        return relative;
    }

    /// <summary>The committed checkpoints of a job (folders <c>step-{N}</c> holding a manifest), newest step first.
    /// Reads manifests only, no data.</summary>
    public IReadOnlyList<StoredCheckpoint> List(string jobId)
    {
        var job = JobFolder(jobId);
        if (!Directory.Exists(job)) return [];
        var found = new List<StoredCheckpoint>();
        foreach (var folder in Directory.EnumerateDirectories(job, StepPrefix + "*", Entries))
        {
            if (ParseStep(Path.GetFileName(folder)) is not { } step) continue;
            // A step folder without a manifest was not committed by this store (written before it existed, or by
            // hand): nothing says it is complete, so it is not offered.
            if (!File.Exists(Path.Combine(folder, ManifestFileName))) continue;
            var manifest = ReadManifest(folder, out var problem);
            if (manifest is null && problem == ManifestMissing) continue; // deleted while listing
            found.Add(new StoredCheckpoint(jobId, step, DataPaths.CheckpointRelativePath(jobId, step), folder, manifest));
        }
        return found.OrderByDescending(c => c.Step).ToList();
    }

    /// <summary>Recomputes the size and SHA-256 of every file the manifest names (files it does not name are not
    /// looked at). Not intact when the manifest is missing or unreadable, or any file is missing, of another size or
    /// of other contents; <see cref="CheckpointVerification.Problem"/> then says which and how.</summary>
    public CheckpointVerification Verify(StoredCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        // The manifest is read again: the check is of the folder as it is now, not as it was listed.
        var manifest = ReadManifest(checkpoint.FullPath, out var manifestProblem);
        if (manifest is null) return CheckpointVerification.Damaged(manifestProblem!);
        if (manifest.Format > CheckpointManifest.CurrentFormat)
            return CheckpointVerification.Damaged(Text($"its manifest is format {manifest.Format}; this service reads up to format {CheckpointManifest.CurrentFormat}"));
        if (manifest.Step != checkpoint.Step)
            return CheckpointVerification.Damaged(Text($"its manifest is for step {manifest.Step}, but the folder is step-{checkpoint.Step}"));

        // Sizes first, all of them: a truncated or missing file shows without reading gigabytes of the others.
        var problems = new List<string>();
        foreach (var entry in manifest.Files)
        {
            if (!IsPlainRelativePath(entry.Path))
            {
                problems.Add($"the manifest names '{entry.Path}', which is not a path inside the checkpoint");
                continue;
            }
            var file = new FileInfo(FullPathOf(checkpoint.FullPath, entry.Path));
            if (!file.Exists) problems.Add($"{entry.Path} is missing");
            else if (file.Length != entry.Bytes) problems.Add(Text($"{entry.Path} is {file.Length:N0} bytes, the manifest says {entry.Bytes:N0}"));
        }
        if (problems.Count > 0) return CheckpointVerification.Damaged(string.Join("; ", problems));

        foreach (var entry in manifest.Files)
        {
            FileDigest digest;
            try
            {
                digest = FileDigest.Of(FullPathOf(checkpoint.FullPath, entry.Path), flushToDisk: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{entry.Path} cannot be read: {e.Message}");
                continue;
            }
            if (digest.Bytes != entry.Bytes) problems.Add(Text($"{entry.Path} is {digest.Bytes:N0} bytes, the manifest says {entry.Bytes:N0}"));
            else if (!string.Equals(digest.Sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{entry.Path} has changed since it was saved (its sha256 is {Short(digest.Sha256)}, the manifest says {Short(entry.Sha256)})");
        }
        return problems.Count > 0 ? CheckpointVerification.Damaged(string.Join("; ", problems)) : CheckpointVerification.Intact;
    }

    /// <summary>
    /// The newest checkpoint that verifies and satisfies <paramref name="usable"/> (e.g.
    /// <c>c =&gt; c.Contains("training_state/trainer_state.json")</c>), plus every newer one passed over, with its
    /// reason. Prefer the overload taking a reason, so that the log can say why an intact checkpoint was not used.
    /// </summary>
    public NewestVerifiedCheckpoint FindNewestVerified(string jobId, Func<StoredCheckpoint, bool>? usable = null) =>
        FindNewestVerified(jobId, usable is null ? _ => null : c => usable(c) ? null : "it is intact but not usable for this");

    /// <summary>As <see cref="FindNewestVerified(string, Func{StoredCheckpoint, bool}?)"/>, with
    /// <paramref name="whyUnusable"/> returning null for a usable checkpoint and otherwise the reason it is not
    /// (e.g. "it has no training state").</summary>
    public NewestVerifiedCheckpoint FindNewestVerified(string jobId, Func<StoredCheckpoint, string?> whyUnusable)
    {
        ArgumentNullException.ThrowIfNull(whyUnusable);
        var rejected = new List<RejectedCheckpoint>();
        foreach (var checkpoint in List(jobId))
        {
            // The cheap test first: usability looks at the manifest, verification reads every byte.
            if (checkpoint.Manifest is not null && whyUnusable(checkpoint) is { } unusable)
            {
                rejected.Add(new RejectedCheckpoint(checkpoint, unusable, IsDamaged: false));
                continue;
            }
            var verification = Verify(checkpoint);
            if (verification.IsIntact) return new NewestVerifiedCheckpoint(checkpoint, rejected);
            rejected.Add(new RejectedCheckpoint(checkpoint, verification.Problem!, IsDamaged: true));
        }
        return new NewestVerifiedCheckpoint(null, rejected);
    }

    /// <summary>Deletes one checkpoint folder; nothing happens if there is none.</summary>
    public void Delete(string jobId, int step)
    {
        var job = JobFolder(jobId);
        var folder = paths.Resolve(DataPaths.CheckpointRelativePath(jobId, step));
        if (!Directory.Exists(folder)) return;
        string retired;
        try
        {
            retired = Retire(folder, job, step);
        }
        catch (DirectoryNotFoundException)
        {
            return; // deleted meanwhile
        }
        DeleteIfPresent(retired);
    }

    /// <summary>Keeps the newest <paramref name="keep"/> committed checkpoints and those whose step is in
    /// <paramref name="alsoKeep"/>; deletes the others and returns their steps, newest first. Verification plays no
    /// part: a caller that must keep the checkpoint it resumed from passes its step in <paramref name="alsoKeep"/>.
    /// Step folders without a manifest are not checkpoints of this store and are left alone.</summary>
    public IReadOnlyList<int> Prune(string jobId, int keep, IReadOnlySet<int> alsoKeep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        ArgumentNullException.ThrowIfNull(alsoKeep);
        var deleted = new List<int>();
        foreach (var checkpoint in List(jobId).Skip(keep))
        {
            if (alsoKeep.Contains(checkpoint.Step)) continue;
            Delete(jobId, checkpoint.Step);
            deleted.Add(checkpoint.Step);
        }
        return deleted;
    }

    /// <summary>Removes a job's half-written folders: staging folders (<c>.partial-step-*</c>), checkpoints being
    /// replaced or deleted (<c>.retired-step-*</c>), and AtomicFolder's leftovers (<c>.*.saving-*</c>,
    /// <c>*.replaced</c>). For the worker that holds the job's lease, before it writes: it removes young folders too.</summary>
    public int SweepJob(string jobId) => Sweep(JobFolder(jobId), writtenBefore: null);

    /// <summary>
    /// At start-up, <see cref="SweepJob"/> for every job, but only for folders in which nothing was written for longer
    /// than <paramref name="olderThan"/>: on a shared disk another live worker may be writing a young one.
    /// </summary>
    public int SweepStale(TimeSpan olderThan)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        var jobs = paths.Resolve(JobsFolder);
        if (!Directory.Exists(jobs)) return 0;
        var cutoff = DateTime.UtcNow - olderThan;
        return Directory.EnumerateDirectories(jobs, "*", Entries).ToList().Sum(job => Sweep(job, cutoff));
    }

    string JobFolder(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        // A job id becomes a folder name; one that could climb out of jobs/ is refused.
        if (jobId is "." or ".." || jobId.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) >= 0)
            throw new ArgumentException($"'{jobId}' is not a job id.", nameof(jobId));
        return Path.GetFullPath(paths.Resolve(DataPaths.JobRelativePath(jobId)));
    }

    /// <summary>Fsyncs every file and folder of the staging folder and describes its files for the manifest.</summary>
    static List<CheckpointManifestEntry> SyncAndDescribe(string staging)
    {
        var entries = new List<CheckpointManifestEntry>();
        foreach (var file in Directory.EnumerateFiles(staging, "*", AllEntriesBelow).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(staging, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative == ManifestFileName) continue; // a manifest copied in with another checkpoint's files is rewritten
            var digest = FileDigest.Of(file, flushToDisk: true);
            entries.Add(new CheckpointManifestEntry(relative, digest.Bytes, digest.Sha256));
        }
        // A file's data is durable after its fsync, its name only after its directory's.
        foreach (var folder in Directory.EnumerateDirectories(staging, "*", AllEntriesBelow)) DirectorySync.Flush(folder);
        return entries;
    }

    static void WriteManifest(string staging, CheckpointManifest manifest)
    {
        using (var stream = new FileStream(Path.Combine(staging, ManifestFileName), FileMode.Create, FileAccess.Write, FileShare.None))
        {
            manifest.WriteTo(stream);
            stream.Flush(flushToDisk: true);
        }
        DirectorySync.Flush(staging);
    }

    static void MoveIntoPlace(string staging, string target, string job, int step)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            DirectorySync.Flush(job);
            return;
        }
        // Two renames, not one: POSIX rename cannot replace a non-empty directory. A crash between them leaves no
        // step-{step} folder (both copies are hidden leftovers for the sweeps), never a mixed one.
        var retired = Retire(target, job, step);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(retired, target);
            throw;
        }
        DirectorySync.Flush(job);
        DeleteIfPresent(retired);
    }

    /// <summary>Renames a checkpoint folder out of the way and marks it as just written, so that another worker's
    /// <see cref="SweepStale"/> does not take it (its files are old) while this one may still need to move it back.</summary>
    static string Retire(string folder, string job, int step)
    {
        var retired = Path.Combine(job, $"{RetiredPrefix}{step}-{Guid.NewGuid():N}");
        Directory.Move(folder, retired);
        Directory.SetLastWriteTimeUtc(retired, DateTime.UtcNow);
        return retired;
    }

    static int Sweep(string job, DateTime? writtenBefore)
    {
        if (!Directory.Exists(job)) return 0;
        int removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(job, "*", Entries).ToList())
        {
            if (!IsLeftover(Path.GetFileName(folder))) continue;
            if (writtenBefore is { } cutoff && WrittenSince(folder, cutoff)) continue;
            if (DeleteIfPresent(folder)) removed++;
        }
        return removed;
    }

    static bool IsLeftover(string name) =>
        name.StartsWith(StagingPrefix, StringComparison.Ordinal)
        || name.StartsWith(RetiredPrefix, StringComparison.Ordinal)
        || (name.StartsWith('.') && name.Contains(".saving-", StringComparison.Ordinal)) // AtomicFolder's staging
        || name.EndsWith(".replaced", StringComparison.Ordinal);                       // AtomicFolder's replaced folder

    /// <summary>Whether anything in the folder, at any depth, was written at or after <paramref name="cutoff"/>. The
    /// folder's own time is not enough: appending to a file deep inside (a large weight file being written for
    /// minutes) changes only that file's time.</summary>
    static bool WrittenSince(string folder, DateTime cutoff)
    {
        try
        {
            var root = new DirectoryInfo(folder);
            return root.LastWriteTimeUtc >= cutoff || root.EnumerateFileSystemInfos("*", AllEntriesBelow).Any(e => e.LastWriteTimeUtc >= cutoff);
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    static bool DeleteIfPresent(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false; // already gone, e.g. swept by another worker
        }
    }

    const string ManifestMissing = $"its manifest ({ManifestFileName}) is missing";

    static CheckpointManifest? ReadManifest(string folder, out string? problem)
    {
        problem = null;
        try
        {
            using var stream = File.OpenRead(Path.Combine(folder, ManifestFileName));
            return CheckpointManifest.ReadFrom(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = ManifestMissing;
        }
        catch (JsonException e)
        {
            problem = $"its manifest ({ManifestFileName}) does not parse: {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"its manifest ({ManifestFileName}) cannot be read: {e.Message}";
        }
        return null;
    }

    /// <summary>The step of a folder named exactly <c>step-{N}</c> (no sign, no leading zeros), else null.</summary>
    static int? ParseStep(string name) =>
        name.StartsWith(StepPrefix, StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(StepPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
        && name == StepPrefix + step.ToString(CultureInfo.InvariantCulture)
            ? step
            : null;

    /// <summary>A manifest path names a file inside the checkpoint: relative, '/'-separated, no empty, "." or ".." part.</summary>
    static bool IsPlainRelativePath(string path) =>
        !Path.IsPathRooted(path) && path.Split('/').All(part => part.Length > 0 && part is not ("." or ".."));

    static string FullPathOf(string folder, string manifestPath) => Path.Combine(folder, manifestPath.Replace('/', Path.DirectorySeparatorChar));

    static string Short(string sha256) => sha256.Length > 12 ? sha256[..12] + "…" : sha256;

    static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
