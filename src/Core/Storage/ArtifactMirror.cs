using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.Configuration;
using TuningService.Core.Observability;

namespace TuningService.Core.Storage;

/// <summary>
/// Makes the data directory (<c>Tuning:DataDir</c>) a cache of the artifact store, so that workers and API processes
/// on several machines share only PostgreSQL and the bucket. Writes go through: a file or folder is written locally
/// as before, then pushed (<see cref="PushFileAsync"/>, <see cref="PushFolderAsync"/>) before the row that points at
/// it is committed, so a row never names something the bucket lacks. Reads pull what is missing
/// (<see cref="EnsureLocalFileAsync"/>, <see cref="EnsureLocalFolderAsync"/>): downloaded into <c>tmp/</c>, checked
/// against the sha256 recorded in the store, then renamed into place, so a half download is never seen under the
/// real name (and a copy present locally is complete: everything reaches its name by a rename).
/// <para>
/// With <c>Tuning:Storage:Kind=local</c> the store is the data directory itself: every method returns at once and the
/// service behaves exactly as without a store. Paths are the relative paths the database keeps
/// (<c>files/file-abc</c>, <c>jobs/ftjob-x/step-4</c>); the object keys are the same with '/' separators.
/// </para>
/// <para>
/// Transient store errors (<see cref="ArtifactStoreErrors.IsTransient"/>) are retried with backoff, a few attempts
/// over about 30 s, then reported as an <see cref="ArtifactStoreException"/> that names the path, the store and what
/// to check.
/// </para>
/// </summary>
public sealed class ArtifactMirror
{
    readonly IArtifactStore store;
    readonly DataPaths paths;
    readonly ILogger<ArtifactMirror> logger;

    /// <summary>A mirror whose local copies are never evicted (no Tuning:LocalCacheBytes).</summary>
    public ArtifactMirror(IArtifactStore store, DataPaths paths, ILogger<ArtifactMirror> logger)
        : this(store, paths, logger, new LocalArtifactCache(paths, null, IsSeparateStore(store, paths),
            NullLogger<LocalArtifactCache>.Instance))
    {
    }

    public ArtifactMirror(IArtifactStore store, DataPaths paths, ILogger<ArtifactMirror> logger, LocalArtifactCache cache)
    {
        this.store = store;
        this.paths = paths;
        this.logger = logger;
        Cache = cache;
        IsActive = IsSeparateStore(store, paths);
    }

    /// <summary>False when the store is the data directory itself: nothing to push or pull.</summary>
    public bool IsActive { get; }

    /// <summary>What this machine keeps of the store under the data directory, bounded by Tuning:LocalCacheBytes.</summary>
    public LocalArtifactCache Cache { get; }

    /// <summary>The store the mirror copies to and from.</summary>
    public IArtifactStore Store => store;

    /// <summary>
    /// Whether <paramref name="store"/> is somewhere other than the data directory. A local store over another folder is
    /// still a second copy (tests use one); over the data directory it is the data itself.
    /// </summary>
    public static bool IsSeparateStore(IArtifactStore store, DataPaths paths) =>
        !(store is LocalArtifactStore local && string.Equals(local.Root, paths.Root, StringComparison.Ordinal));

    /// <summary>The object key of a data-directory relative path ('/' separators, checked).</summary>
    public static string KeyOf(string relativePath) => ArtifactKeys.Check(relativePath.Replace(Path.DirectorySeparatorChar, '/'));

    /// <summary>Waits between attempts after a transient error: 2 + 4 + 8 + 16 s, five attempts in about 30 s. Tests shorten them.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } =
        [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(16)];

    /// <summary>Stores the local file at <paramref name="relativePath"/> (complete: written and moved into place) in the bucket.</summary>
    public async Task PushFileAsync(string relativePath, CancellationToken ct = default)
    {
        if (!IsActive) return;
        var key = KeyOf(relativePath);
        var local = paths.Resolve(relativePath);
        await RetryAsync($"store the file {relativePath}", async c =>
        {
            await using var content = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await store.PutAsync(key, content, c);
        }, ct);
        Cache.Record(relativePath);
    }

    /// <summary>Stores every file of the local folder at <paramref name="relativePath"/> (complete: committed) under that prefix.</summary>
    public async Task PushFolderAsync(string relativePath, CancellationToken ct = default)
    {
        if (!IsActive) return;
        var key = KeyOf(relativePath);
        var local = paths.Resolve(relativePath);
        await RetryAsync($"store the folder {relativePath}", c => store.PutFolderAsync(local, key, c), ct);
        Cache.Record(relativePath);
    }

    /// <summary>
    /// Starts storing the file at <paramref name="relativePath"/> from bytes written as they arrive (an upload being
    /// validated); see <see cref="ArtifactUpload"/>. Not retried: the bytes were read once and are gone. Only when
    /// <see cref="IsActive"/>: otherwise the data directory is the store and the caller writes the file itself.
    /// </summary>
    public Task<ArtifactUpload> BeginUploadAsync(string relativePath, CancellationToken ct = default)
    {
        if (!IsActive) throw new InvalidOperationException("The data directory is the artifact store: write the file there.");
        return store.BeginUploadAsync(KeyOf(relativePath), ct);
    }

    /// <summary>
    /// Opens the object of the file at <paramref name="relativePath"/> in the store (for a download that streams it
    /// straight from the bucket); opening is retried like the other operations, reading is the caller's.
    /// </summary>
    public async Task<ArtifactReadStream> OpenReadAsync(string relativePath, CancellationToken ct = default)
    {
        ArtifactReadStream? opened = null;
        await RetryAsync($"read {relativePath}", async c => opened = await store.OpenReadAsync(KeyOf(relativePath), c), ct);
        return opened!;
    }

    /// <summary>The objects under the folder at <paramref name="relativePath"/> in the store, in key order.</summary>
    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(string relativePath, CancellationToken ct = default)
    {
        var found = new List<ArtifactEntry>();
        await RetryAsync($"list {relativePath}", async c =>
        {
            found.Clear();
            await foreach (var entry in store.ListAsync(KeyOf(relativePath), c)) found.Add(entry);
        }, ct);
        return found;
    }

    /// <summary>
    /// <see cref="EnsureLocalFileAsync"/> under a lease: the file stays on this machine until the lease is disposed,
    /// whatever Tuning:LocalCacheBytes says.
    /// </summary>
    public async Task<CacheLease> LeaseLocalFileAsync(string relativePath, CancellationToken ct = default)
    {
        var lease = Cache.Lease(relativePath);
        try
        {
            await EnsureLocalFileAsync(relativePath, ct);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary><see cref="EnsureLocalFolderAsync"/> under a lease (see <see cref="LeaseLocalFileAsync"/>).</summary>
    public async Task<CacheLease> LeaseLocalFolderAsync(string relativePath, CancellationToken ct = default)
    {
        var lease = Cache.Lease(relativePath);
        try
        {
            await EnsureLocalFolderAsync(relativePath, ct);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Downloads the file at <paramref name="relativePath"/> unless it is here already. Throws
    /// <see cref="ArtifactNotFoundException"/> when the bucket has no such object either.
    /// </summary>
    public async Task EnsureLocalFileAsync(string relativePath, CancellationToken ct = default)
    {
        if (!IsActive) return;
        var target = paths.Resolve(relativePath);
        if (File.Exists(target))
        {
            Cache.Touch(relativePath);
            return;
        }
        var key = KeyOf(relativePath);
        var partial = Path.Combine(paths.Temp, $"pull-{Guid.NewGuid():N}.partial");
        try
        {
            await RetryAsync($"fetch the file {relativePath}", async c =>
            {
                await using var source = await store.OpenReadAsync(key, c);
                string actual;
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                    (_, actual) = await Sha256Copy.CopyAsync(source, file, c);
                if (source.Artifact.Sha256 != actual)
                    throw new ArtifactIntegrityException(key, store.Description, source.Artifact.Sha256, actual);
            }, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Move(partial, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another request fetched it meanwhile: the same bytes, already in place.
            }
            logger.LogInformation("Fetched {Path} from {Store}", relativePath, store.Description);
            Cache.Record(relativePath);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Downloads the folder at <paramref name="relativePath"/> (a checkpoint, a model) unless it is here already,
    /// every file checked against its recorded sha256. Throws <see cref="ArtifactNotFoundException"/> when the bucket
    /// has nothing under that prefix either.
    /// </summary>
    public async Task EnsureLocalFolderAsync(string relativePath, CancellationToken ct = default)
    {
        if (!IsActive) return;
        var target = paths.Resolve(relativePath);
        if (Directory.Exists(target))
        {
            Cache.Touch(relativePath);
            return;
        }
        var key = KeyOf(relativePath);
        var staging = Path.Combine(paths.Temp, $"pull-{Guid.NewGuid():N}");
        try
        {
            await RetryAsync($"fetch the folder {relativePath}", async c =>
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true); // a failed attempt's files
                await store.CopyPrefixToLocalAsync(key, staging, c);
            }, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another request or job fetched it meanwhile.
            }
            logger.LogInformation("Fetched {Path}/ from {Store}", relativePath, store.Description);
            Cache.Record(relativePath);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Removes the local copy of a file or folder and the bucket's objects under its key (the object itself and
    /// everything below it as a prefix). Best effort once the row is gone: a failure is logged with the key to remove
    /// by hand, not thrown, since the deletion the caller made is already done.
    /// </summary>
    public async Task DeleteAsync(string relativePath, CancellationToken ct = default)
    {
        if (!IsActive) return;
        var key = KeyOf(relativePath);
        var local = paths.Resolve(relativePath);
        Cache.Forget(relativePath);
        try
        {
            if (File.Exists(local)) File.Delete(local);
            else if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
            await RetryAsync($"delete {relativePath}", async c =>
            {
                await store.DeleteAsync(key, c);
                await store.DeletePrefixAsync(key, c);
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not delete {Path}: {Error} The objects under '{Key}' in {Store} are left behind; delete them by hand.",
                relativePath, e.Message, key, store.Description);
        }
    }

    async Task RetryAsync(string what, Func<CancellationToken, Task> action, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action(ct);
                return;
            }
            catch (Exception e) when (ArtifactStoreErrors.IsTransient(e) && !ct.IsCancellationRequested)
            {
                if (attempt > RetryDelays.Count)
                    throw new ArtifactStoreException(
                        $"Could not {what} in {store.Description}: {attempt} attempts over {(DateTime.UtcNow - started).TotalSeconds:F0} s failed, the last with: " +
                        $"{e.Message.TrimEnd('.')}. Check that the storage endpoint is up and reachable from this machine (Tuning:Storage:S3:ServiceUrl).", e);
                var delay = RetryDelays[attempt - 1];
                TuningMetrics.StorageRetries.Add(1);
                logger.LogWarning("Could not {What} in {Store} ({Error}); attempt {Attempt} of {Attempts}, retrying in {Delay} s",
                    what, store.Description, e.Message, attempt, RetryDelays.Count + 1, delay.TotalSeconds);
                await Task.Delay(delay, ct);
            }
        }
    }
}
