using System.Net;
using System.Net.Sockets;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.Configuration;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>
/// The mirror between two machines' data directories and one bucket on a real S3-compatible server (s3rver): what
/// one pushes the other fetches, checked; a failed fetch leaves nothing under the real name; deletes reach the
/// bucket; and over a local store on the data directory itself it does nothing at all.
/// </summary>
public sealed class ArtifactMirrorTests : IClassFixture<S3rverServer>, IDisposable
{
    readonly S3rverServer server;
    readonly S3StorageOptions options;
    readonly S3ArtifactStore store;
    readonly string root = Path.Combine(Path.GetTempPath(), $"mirror-tests-{Guid.NewGuid():N}");
    readonly DataPaths machineA;
    readonly DataPaths machineB;

    public ArtifactMirrorTests(S3rverServer server)
    {
        this.server = server;
        options = server.Options();
        store = new S3ArtifactStore(options, Path.Combine(root, "spool"));
        machineA = new DataPaths(Path.Combine(root, "a"));
        machineB = new DataPaths(Path.Combine(root, "b"));
    }

    public void Dispose()
    {
        store.Dispose();
        Directory.Delete(root, recursive: true);
    }

    ArtifactMirror MirrorOn(DataPaths paths, IArtifactStore? over = null) =>
        new(over ?? store, paths, NullLogger<ArtifactMirror>.Instance) { RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)] };

    [Fact]
    public async Task A_file_pushed_on_one_machine_is_fetched_on_another()
    {
        var relative = DataPaths.FileRelativePath("file-1");
        await File.WriteAllTextAsync(machineA.EnsureParent(relative), "{\"prompt\":\"a\",\"completion\":\"b\"}\n");

        await MirrorOn(machineA).PushFileAsync(relative);
        await MirrorOn(machineB).EnsureLocalFileAsync(relative);

        Assert.Equal(await File.ReadAllBytesAsync(machineA.Resolve(relative)), await File.ReadAllBytesAsync(machineB.Resolve(relative)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(machineB.Temp)); // the download's temporary file is gone
    }

    [Fact]
    public async Task A_folder_pushed_on_one_machine_is_fetched_on_another_with_its_layout()
    {
        var relative = DataPaths.CheckpointRelativePath("ftjob-1", 4);
        var folder = machineA.Resolve(relative);
        Directory.CreateDirectory(Path.Combine(folder, "training_state"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), [1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(folder, "training_state", "trainer_state.json"), "{}");

        await MirrorOn(machineA).PushFolderAsync(relative);
        await MirrorOn(machineB).EnsureLocalFolderAsync(relative);

        var fetched = machineB.Resolve(relative);
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(fetched, "model.safetensors")));
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(fetched, "training_state", "trainer_state.json")));
    }

    [Fact]
    public async Task A_fetch_of_a_corrupt_object_fails_and_leaves_nothing_under_the_real_name()
    {
        var relative = DataPaths.CheckpointRelativePath("ftjob-2", 8);
        var folder = machineA.Resolve(relative);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.bin"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(folder, "z.bin"), [2]);
        await MirrorOn(machineA).PushFolderAsync(relative);
        // The second file changed in the bucket behind the store's back: its recorded sha256 no longer matches.
        using (var raw = server.RawClient())
        {
            var key = options.Prefix + "jobs/ftjob-2/step-8/z.bin";
            var head = await raw.GetObjectMetadataAsync(options.Bucket, key);
            var put = new PutObjectRequest { BucketName = options.Bucket, Key = key, InputStream = new MemoryStream([9, 9]), UseChunkEncoding = false };
            foreach (var name in head.Metadata.Keys) put.Metadata.Add(name, head.Metadata[name]);
            await raw.PutObjectAsync(put);
        }

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => MirrorOn(machineB).EnsureLocalFolderAsync(relative));

        Assert.False(Directory.Exists(machineB.Resolve(relative)), "a half-fetched folder is visible under the checkpoint's name");
        Assert.Empty(Directory.EnumerateFileSystemEntries(machineB.Temp));
    }

    [Fact]
    public async Task A_fetch_of_what_the_bucket_lacks_says_so()
    {
        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => MirrorOn(machineB).EnsureLocalFileAsync(DataPaths.FileRelativePath("file-none")));
        Assert.Contains("files/file-none", e.Message);
        Assert.False(File.Exists(machineB.Resolve(DataPaths.FileRelativePath("file-none"))));
    }

    [Fact]
    public async Task Delete_removes_the_local_copy_and_the_objects_of_a_file_or_a_folder_but_not_a_neighbour()
    {
        var file = DataPaths.FileRelativePath("file-3");
        await File.WriteAllTextAsync(machineA.EnsureParent(file), "x");
        var step4 = DataPaths.CheckpointRelativePath("ftjob-3", 4);
        var step40 = DataPaths.CheckpointRelativePath("ftjob-3", 40);
        foreach (var step in new[] { step4, step40 })
        {
            Directory.CreateDirectory(machineA.Resolve(step));
            await File.WriteAllBytesAsync(Path.Combine(machineA.Resolve(step), "model.safetensors"), [4]);
        }
        var mirror = MirrorOn(machineA);
        await mirror.PushFileAsync(file);
        await mirror.PushFolderAsync(step4);
        await mirror.PushFolderAsync(step40);

        await mirror.DeleteAsync(file);
        await mirror.DeleteAsync(step4);

        Assert.False(File.Exists(machineA.Resolve(file)));
        Assert.False(Directory.Exists(machineA.Resolve(step4)));
        Assert.Null(await store.HeadAsync("files/file-3"));
        var left = new List<string>();
        await foreach (var entry in store.ListAsync("jobs/ftjob-3")) left.Add(entry.Key);
        Assert.Equal(["jobs/ftjob-3/step-40/model.safetensors"], left);
    }

    [Fact]
    public async Task A_store_that_stays_unreachable_fails_after_the_retries_with_a_message_that_names_the_path_and_the_setting()
    {
        var relative = DataPaths.FileRelativePath("file-4");
        await File.WriteAllTextAsync(machineA.EnsureParent(relative), "x");
        var down = options;
        using var unreachable = new S3ArtifactStore(new S3StorageOptions
        {
            ServiceUrl = $"http://127.0.0.1:{ClosedPort()}", Bucket = down.Bucket, Prefix = down.Prefix, ForcePathStyle = true,
            AccessKey = S3rverServer.AccessKey, SecretKey = S3rverServer.SecretKey,
        }, Path.Combine(root, "spool"));

        var e = await Assert.ThrowsAsync<ArtifactStoreException>(() => MirrorOn(machineA, unreachable).PushFileAsync(relative));

        Assert.Contains("files/file-4", e.Message);
        Assert.Contains("3 attempts", e.Message);
        Assert.Contains("Tuning:Storage:S3:ServiceUrl", e.Message);
    }

    [Fact]
    public async Task Over_a_local_store_on_the_data_directory_every_method_does_nothing()
    {
        var relative = DataPaths.FileRelativePath("file-5");
        await File.WriteAllTextAsync(machineA.EnsureParent(relative), "x");
        var mirror = MirrorOn(machineA, new LocalArtifactStore(machineA.Root));

        Assert.False(mirror.IsActive);
        await mirror.PushFileAsync(relative);
        await mirror.EnsureLocalFileAsync(DataPaths.FileRelativePath("file-none"));
        await mirror.DeleteAsync(relative);

        Assert.True(File.Exists(machineA.Resolve(relative))); // the callers delete their own local files, as before
        Assert.False(Directory.Exists(Path.Combine(machineA.Root, ArtifactKeys.ReservedFolder))); // no sidecars were written
    }

    static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
