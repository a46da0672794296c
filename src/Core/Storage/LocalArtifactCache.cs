using Microsoft.Extensions.Logging;
using TuningService.Core.Configuration;

namespace TuningService.Core.Storage;

/// <summary>
/// Bounds what the data directory keeps as a cache of the artifact store (<c>Tuning:LocalCacheBytes</c>): files and
/// folders pulled from the bucket or pushed to it (uploads, checkpoints, models) and the tokenized-data cache. Past
/// the bound the least recently used entries are deleted; an entry under a <see cref="Lease"/> (a job training from
/// it, a request reading it) is never deleted while the lease is held. Entries are relative paths of the data
/// directory with '/' separators (<c>files/file-abc</c>, <c>jobs/ftjob-x/step-4</c>, <c>models/tiny</c>,
/// <c>cache/tokenized/ab12.bin</c>).
/// <para>
/// It evicts only when the store is not the data directory itself (<see cref="ArtifactMirror.IsActive"/>) and a bound
/// is set: with <c>Kind=local</c> the data directory is the only copy, so nothing is ever deleted. Everything an entry
/// names is in the bucket before it is recorded (the mirror records after a push or a pull), except the tokenized
/// data, which is rebuilt when missing; so an eviction loses nothing but time. An evicted folder is renamed into
/// <c>tmp/</c> before it is deleted, so a reader never sees half a folder under its real name; a process that dies
/// in between leaves the renamed folder in <c>tmp/</c>, which is scratch.
/// </para>
/// </summary>
public sealed class LocalArtifactCache
{
    sealed class Entry(long bytes, long lastUsed)
    {
        public long Bytes = bytes;
        public long LastUsed = lastUsed;
    }

    readonly DataPaths paths;
    readonly ILogger<LocalArtifactCache> logger;
    readonly Lock gate = new();
    readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> leases = new(StringComparer.Ordinal);
    long clock;
    long used;

    public LocalArtifactCache(DataPaths paths, TuningOptions options, IArtifactStore store, ILogger<LocalArtifactCache> logger)
        : this(paths, options.LocalCacheBytes, ArtifactMirror.IsSeparateStore(store, paths), logger)
    {
    }

    public LocalArtifactCache(DataPaths paths, long? boundBytes, bool storeIsElsewhere, ILogger<LocalArtifactCache> logger)
    {
        this.paths = paths;
        this.logger = logger;
        BoundBytes = boundBytes;
        Evicts = storeIsElsewhere && boundBytes is not null;
        if (Evicts) ScanExisting();
    }

    /// <summary>The bound in bytes, or null for none.</summary>
    public long? BoundBytes { get; }

    /// <summary>Whether entries are ever deleted: a bound is set and the store is not the data directory.</summary>
    public bool Evicts { get; }

    /// <summary>Bytes of the recorded entries.</summary>
    public long UsedBytes
    {
        get { lock (gate) return used; }
    }

    /// <summary>Whether <paramref name="relativePath"/> is a recorded entry (present, not evicted).</summary>
    public bool Contains(string relativePath)
    {
        lock (gate) return entries.ContainsKey(Normalize(relativePath));
    }

    /// <summary>
    /// Records a file or folder that is now complete under the data directory (its size is read from disk), as the
    /// most recently used entry, then evicts least recently used entries past the bound.
    /// </summary>
    public void Record(string relativePath)
    {
        if (!Evicts) return;
        var key = Normalize(relativePath);
        var bytes = SizeOnDisk(paths.Resolve(key));
        if (bytes is null) return;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry))
            {
                used += bytes.Value - entry.Bytes;
                entry.Bytes = bytes.Value;
                entry.LastUsed = ++clock;
            }
            else
            {
                entries[key] = new Entry(bytes.Value, ++clock);
                used += bytes.Value;
            }
        }
        EvictOverBound();
    }

    /// <summary>Marks an entry as just used, so that it goes after the others.</summary>
    public void Touch(string relativePath)
    {
        if (!Evicts) return;
        lock (gate)
            if (entries.TryGetValue(Normalize(relativePath), out var entry)) entry.LastUsed = ++clock;
    }

    /// <summary>Drops an entry (and those below it) whose files were deleted by their owner.</summary>
    public void Forget(string relativePath)
    {
        if (!Evicts) return;
        var key = Normalize(relativePath);
        lock (gate)
            foreach (var k in entries.Keys.Where(k => Overlaps(k, key)).ToList())
            {
                used -= entries[k].Bytes;
                entries.Remove(k);
            }
    }

    /// <summary>
    /// Keeps <paramref name="relativePath"/> (a file or folder, and everything below or above it) from eviction until the
    /// lease is disposed. Take it before making sure the files are local, so that they cannot go in between.
    /// </summary>
    public CacheLease Lease(string relativePath)
    {
        var key = Normalize(relativePath);
        lock (gate)
        {
            leases[key] = leases.GetValueOrDefault(key) + 1;
            if (entries.TryGetValue(key, out var entry)) entry.LastUsed = ++clock;
        }
        return new CacheLease(() => Release(key));
    }

    void Release(string key)
    {
        lock (gate)
        {
            if (leases[key] == 1) leases.Remove(key);
            else leases[key]--;
        }
        EvictOverBound(); // what the lease kept past the bound may go now
    }

    void EvictOverBound()
    {
        if (!Evicts) return;
        var doomed = new List<(string Key, string Moved)>();
        lock (gate)
        {
            if (used <= BoundBytes) return;
            foreach (var (key, entry) in entries.OrderBy(e => e.Value.LastUsed).ToList())
            {
                if (used <= BoundBytes) break;
                if (leases.Keys.Any(l => Overlaps(key, l))) continue; // in use
                var moved = MoveAside(key);
                if (moved is null) continue;
                entries.Remove(key);
                used -= entry.Bytes;
                doomed.Add((key, moved));
            }
        }
        // Deleted outside the lock: a large folder takes a while, and it is out of every reader's way already.
        foreach (var (key, moved) in doomed)
        {
            try
            {
                if (Directory.Exists(moved)) Directory.Delete(moved, recursive: true);
                else File.Delete(moved);
                logger.LogInformation("Evicted {Path} from the local cache (Tuning:LocalCacheBytes {Bound})", key, BoundBytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not delete the evicted {Path} ({Error}); it is left in {Temp}", key, e.Message, paths.Temp);
            }
        }
    }

    /// <summary>Renames the entry into tmp/ (one rename: it leaves its real name whole), or null when it cannot.</summary>
    string? MoveAside(string key)
    {
        var full = paths.Resolve(key);
        var moved = Path.Combine(paths.Temp, $"evicted-{Guid.NewGuid():N}");
        try
        {
            if (Directory.Exists(full)) Directory.Move(full, moved);
            else if (File.Exists(full)) File.Move(full, moved);
            else return moved; // gone already: only the accounting was left
            return moved;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not evict {Path} from the local cache: {Error}", key, e.Message);
            return null;
        }
    }

    /// <summary>What an earlier run left under the data directory, oldest written first, so that a restart keeps the bound.</summary>
    void ScanExisting()
    {
        var found = new List<(string Key, DateTime Written, long Bytes)>();
        void Add(string full)
        {
            if (SizeOnDisk(full) is { } bytes)
                found.Add((Path.GetRelativePath(paths.Root, full).Replace(Path.DirectorySeparatorChar, '/'),
                    Directory.Exists(full) ? Directory.GetLastWriteTimeUtc(full) : File.GetLastWriteTimeUtc(full), bytes));
        }
        void Each(string folder, Action<string> action, bool folders)
        {
            if (!Directory.Exists(folder)) return;
            foreach (var item in folders ? Directory.EnumerateDirectories(folder) : Directory.EnumerateFiles(folder)) action(item);
        }
        Each(paths.Resolve("files"), Add, folders: false);
        Each(paths.ImportedModels, Add, folders: true);
        Each(paths.Resolve("jobs"), job => Each(job, step => { if (Path.GetFileName(step).StartsWith("step-", StringComparison.Ordinal)) Add(step); }, folders: true), folders: true);
        Each(TokenizedFolder(paths), Add, folders: false);
        foreach (var (key, _, bytes) in found.OrderBy(f => f.Written))
        {
            entries[key] = new Entry(bytes, ++clock);
            used += bytes;
        }
        EvictOverBound();
    }

    /// <summary>The tokenized-data cache's folder.</summary>
    public static string TokenizedFolder(DataPaths paths) => Path.Combine(paths.Root, "cache", "tokenized");

    static long? SizeOnDisk(string full)
    {
        try
        {
            if (File.Exists(full)) return new FileInfo(full).Length;
            if (Directory.Exists(full)) return Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>The same path, or one inside the other (a lease on <c>jobs/x</c> covers <c>jobs/x/step-4</c>, and the reverse).</summary>
    static bool Overlaps(string a, string b) =>
        a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    static string Normalize(string relativePath) => relativePath.Replace('\\', '/').TrimEnd('/');
}
