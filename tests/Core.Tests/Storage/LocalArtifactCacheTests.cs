using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.Configuration;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>Tuning:LocalCacheBytes: past the bound the least recently used entry goes, a leased one stays, and with the data directory as the store nothing goes.</summary>
public sealed class LocalArtifactCacheTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), $"cache-tests-{Guid.NewGuid():N}");
    readonly DataPaths paths;

    public LocalArtifactCacheTests() => paths = new DataPaths(root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    string Write(string relative, int bytes)
    {
        File.WriteAllBytes(paths.EnsureParent(relative), new byte[bytes]);
        return relative;
    }

    string WriteFolder(string relative, int bytes)
    {
        Write(Path.Combine(relative, "model.safetensors"), bytes);
        return relative;
    }

    [Fact]
    public void Past_the_bound_the_least_recently_used_entry_goes_first()
    {
        var cache = new LocalArtifactCache(paths, 3000, storeIsElsewhere: true, NullLogger<LocalArtifactCache>.Instance);
        cache.Record(Write("files/file-a", 1000));
        cache.Record(WriteFolder("models/tiny", 1000));
        cache.Record(Write("files/file-c", 1000));
        cache.Touch("files/file-a"); // now models/tiny is the least recently used

        cache.Record(Write("files/file-d", 1000));

        Assert.False(Directory.Exists(paths.Resolve("models/tiny")));
        Assert.True(File.Exists(paths.Resolve("files/file-a")));
        Assert.True(File.Exists(paths.Resolve("files/file-c")));
        Assert.True(File.Exists(paths.Resolve("files/file-d")));
        Assert.Equal(3000, cache.UsedBytes);
        Assert.Empty(Directory.EnumerateFileSystemEntries(paths.Temp)); // the evicted folder was deleted, not left aside
    }

    [Fact]
    public void A_leased_entry_stays_past_the_bound_and_can_go_once_released()
    {
        var cache = new LocalArtifactCache(paths, 2000, storeIsElsewhere: true, NullLogger<LocalArtifactCache>.Instance);
        cache.Record(WriteFolder("jobs/ftjob-1/step-4", 1000)); // the oldest
        var lease = cache.Lease("jobs/ftjob-1"); // a job training: its whole folder is in use
        cache.Record(Write("files/file-b", 1000));

        cache.Record(Write("files/file-c", 1000));

        Assert.True(Directory.Exists(paths.Resolve("jobs/ftjob-1/step-4"))); // in use: kept although least recently used
        Assert.False(File.Exists(paths.Resolve("files/file-b"))); // the least recently used of the others
        Assert.True(File.Exists(paths.Resolve("files/file-c")));

        lease.Dispose();
        cache.Record(Write("files/file-d", 1000));
        Assert.False(Directory.Exists(paths.Resolve("jobs/ftjob-1/step-4"))); // released: the least recently used goes
        Assert.True(File.Exists(paths.Resolve("files/file-c")));
        Assert.Equal(2000, cache.UsedBytes);
    }

    [Fact]
    public void With_the_data_directory_as_the_store_nothing_is_ever_evicted()
    {
        var cache = new LocalArtifactCache(paths, 1000, storeIsElsewhere: false, NullLogger<LocalArtifactCache>.Instance);
        cache.Record(Write("files/file-a", 1000));
        cache.Record(Write("files/file-b", 1000));

        Assert.False(cache.Evicts);
        Assert.True(File.Exists(paths.Resolve("files/file-a")));
        Assert.True(File.Exists(paths.Resolve("files/file-b")));
    }

    [Fact]
    public void A_restart_counts_what_an_earlier_run_left_and_keeps_the_bound()
    {
        Write("files/file-old", 1000);
        File.SetLastWriteTimeUtc(paths.Resolve("files/file-old"), DateTime.UtcNow.AddHours(-1));
        WriteFolder("models/newer", 1000);
        Write("cache/tokenized/abc.bin", 1000);

        var cache = new LocalArtifactCache(paths, 2000, storeIsElsewhere: true, NullLogger<LocalArtifactCache>.Instance);

        Assert.False(File.Exists(paths.Resolve("files/file-old")));
        Assert.True(Directory.Exists(paths.Resolve("models/newer")));
        Assert.Equal(2000, cache.UsedBytes);
    }
}
