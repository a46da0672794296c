using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>The contract on the local store, in a data folder of its own.</summary>
public sealed class LocalArtifactStoreContractTests : ArtifactStoreContractTests
{
    readonly LocalArtifactStore store;

    public LocalArtifactStoreContractTests() => store = new LocalArtifactStore(Path.Combine(Scratch, "data"));

    protected override IArtifactStore Store => store;

    protected override Task TamperAsync(string key, byte[] bytes) => File.WriteAllBytesAsync(store.PathOf(key), bytes);

    protected override Task WriteWithoutSha256Async(string key, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathOf(key))!);
        return File.WriteAllBytesAsync(store.PathOf(key), bytes);
    }

    [Fact]
    public async Task An_aborted_upload_leaves_no_temporary_file()
    {
        await using (var upload = await store.BeginUploadAsync("files/file-gone"))
            await upload.WriteAsync(RandomBytes(1000));

        var temp = Path.Combine(Scratch, "data", ArtifactKeys.ReservedFolder, "tmp");
        Assert.Empty(Directory.Exists(temp) ? Directory.EnumerateFileSystemEntries(temp) : []);
        Assert.False(File.Exists(store.PathOf("files/file-gone")));
    }

    [Fact]
    public async Task Artifacts_keep_todays_layout_under_the_data_folder()
    {
        await store.PutAsync("jobs/ftjob-x/step-4/model.safetensors", new MemoryStream([1, 2]));

        Assert.Equal([1, 2], File.ReadAllBytes(Path.Combine(Scratch, "data", "jobs", "ftjob-x", "step-4", "model.safetensors")));
        Assert.Equal(["model.safetensors"], Directory.EnumerateFileSystemEntries(Path.Combine(Scratch, "data", "jobs", "ftjob-x", "step-4")).Select(Path.GetFileName));
    }
}
