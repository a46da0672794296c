using System.Security.Cryptography;
using System.Text;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>
/// What every <see cref="IArtifactStore"/> promises its callers, run against each implementation by a subclass
/// (<see cref="LocalArtifactStoreContractTests"/>, <see cref="S3ArtifactStoreContractTests"/>), so that code written
/// against one behaves the same on the other.
/// </summary>
public abstract class ArtifactStoreContractTests : IDisposable
{
    protected readonly string Scratch = Path.Combine(Path.GetTempPath(), $"artifact-contract-{Guid.NewGuid():N}");

    protected abstract IArtifactStore Store { get; }

    /// <summary>Rewrites an object's bytes behind the store's back, leaving the sha256 it recorded as it was.</summary>
    protected abstract Task TamperAsync(string key, byte[] bytes);

    /// <summary>Writes an object behind the store's back with no sha256 recorded (as today's code paths do).</summary>
    protected abstract Task WriteWithoutSha256Async(string key, byte[] bytes);

    public virtual void Dispose()
    {
        if (Directory.Exists(Scratch)) Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Put_then_get_returns_the_bytes_and_their_sha256()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"prompt\":\"hi\",\"completion\":\"there\"}\n");

        var stored = await Store.PutAsync("files/file-abc", new MemoryStream(bytes));

        Assert.Equal(new ArtifactInfo("files/file-abc", bytes.Length, Sha256(bytes)), stored);
        await using var read = await Store.OpenReadAsync("files/file-abc");
        Assert.Equal(stored, read.Artifact);
        Assert.Equal(bytes.Length, read.Length);
        Assert.Equal(bytes, await ReadAll(read));
        Assert.Equal(stored, await Store.HeadAsync("files/file-abc"));
    }

    [Fact]
    public async Task An_empty_object_round_trips()
    {
        var stored = await Store.PutAsync("files/empty", new MemoryStream());

        Assert.Equal(new ArtifactInfo("files/empty", 0, Sha256([])), stored);
        await using var read = await Store.OpenReadAsync("files/empty");
        Assert.Empty(await ReadAll(read));
    }

    [Fact]
    public async Task Ranged_get_returns_that_slice_clipped_at_the_end()
    {
        var bytes = RandomBytes(1000);
        await Store.PutAsync("jobs/ftjob-r/step-1/model.safetensors", new MemoryStream(bytes));

        Assert.Equal(bytes[100..150], await ReadRange("jobs/ftjob-r/step-1/model.safetensors", 100, 50));
        Assert.Equal(bytes[..8], await ReadRange("jobs/ftjob-r/step-1/model.safetensors", 0, 8));
        Assert.Equal(bytes[990..], await ReadRange("jobs/ftjob-r/step-1/model.safetensors", 990, 100));
        Assert.Empty(await ReadRange("jobs/ftjob-r/step-1/model.safetensors", 1000, 10));
        Assert.Empty(await ReadRange("jobs/ftjob-r/step-1/model.safetensors", 10, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync("jobs/ftjob-r/step-1/model.safetensors", 1001, 10));
        await using var range = await Store.OpenReadAsync("jobs/ftjob-r/step-1/model.safetensors", 100, 50);
        Assert.Equal(50, range.Length);
        Assert.Equal(new ArtifactInfo("jobs/ftjob-r/step-1/model.safetensors", 1000, Sha256(bytes)), range.Artifact);
    }

    [Fact]
    public async Task Put_over_an_existing_key_replaces_it()
    {
        await Store.PutAsync("files/file-o", new MemoryStream(RandomBytes(5000)));
        var second = RandomBytes(20);

        var stored = await Store.PutAsync("files/file-o", new MemoryStream(second));

        Assert.Equal(new ArtifactInfo("files/file-o", 20, Sha256(second)), await Store.HeadAsync("files/file-o"));
        Assert.Equal(stored, await Store.HeadAsync("files/file-o"));
        await using var read = await Store.OpenReadAsync("files/file-o");
        Assert.Equal(second, await ReadAll(read));
    }

    [Fact]
    public async Task List_returns_every_object_under_a_folder_in_key_order_and_nothing_next_to_it()
    {
        string[] inside = ["jobs/ftjob-1/step-2/a.bin", "jobs/ftjob-1/step-2/nested/b.bin", "jobs/ftjob-1/step-4/a.bin", "jobs/ftjob-1/z.json", "jobs/ftjob-1/events.log"];
        string[] outside = ["jobs/ftjob-10/a.bin", "jobs/ftjob-2/a.bin", "files/ftjob-1"];
        foreach (var (key, i) in inside.Concat(outside).Select((k, i) => (k, i)))
            await Store.PutAsync(key, new MemoryStream(new byte[i + 1]));

        var listed = await List("jobs/ftjob-1");

        Assert.Equal(inside.Order(StringComparer.Ordinal), listed.Select(e => e.Key));
        Assert.Equal(await List("jobs/ftjob-1/"), listed);
        Assert.Equal(3, listed.Single(e => e.Key == "jobs/ftjob-1/step-4/a.bin").Size);
        Assert.Equal(["jobs/ftjob-1/step-2/a.bin", "jobs/ftjob-1/step-2/nested/b.bin"], (await List("jobs/ftjob-1/step-2")).Select(e => e.Key));
        Assert.Empty(await List("jobs/ftjob-9"));
        Assert.Equal(inside.Length + outside.Length, (await List("")).Count);
    }

    [Fact]
    public async Task Delete_removes_one_object_and_ignores_a_missing_one()
    {
        await Store.PutAsync("files/file-d", new MemoryStream([1, 2, 3]));
        await Store.PutAsync("files/file-keep", new MemoryStream([4]));

        await Store.DeleteAsync("files/file-d");
        await Store.DeleteAsync("files/file-never-there");

        Assert.Null(await Store.HeadAsync("files/file-d"));
        Assert.NotNull(await Store.HeadAsync("files/file-keep"));
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("files/file-d"));
    }

    [Fact]
    public async Task Delete_by_prefix_removes_the_folder_and_only_it()
    {
        foreach (var key in new[] { "jobs/ftjob-d/step-1/a", "jobs/ftjob-d/step-1/b", "jobs/ftjob-d/c", "jobs/ftjob-dd/a" })
            await Store.PutAsync(key, new MemoryStream([7]));

        var deleted = await Store.DeletePrefixAsync("jobs/ftjob-d");

        Assert.Equal(3, deleted);
        Assert.Empty(await List("jobs/ftjob-d"));
        Assert.Equal(["jobs/ftjob-dd/a"], (await List("jobs")).Select(e => e.Key));
        Assert.Equal(0, await Store.DeletePrefixAsync("jobs/ftjob-d"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeletePrefixAsync(""));
    }

    [Fact]
    public async Task A_large_object_goes_up_in_parts_and_round_trips_its_sha256()
    {
        // 20 MiB and a bit: three parts of 8 MiB, the last one short; once from a seekable stream, once from one that is not.
        var bytes = RandomBytes(20 * 1024 * 1024 + 12345);

        var stored = await Store.PutAsync("jobs/ftjob-big/step-1/model.safetensors", new MemoryStream(bytes));
        var streamed = await Store.PutAsync("models/big/model.safetensors", new ForwardOnlyStream(bytes));

        Assert.Equal(new ArtifactInfo("jobs/ftjob-big/step-1/model.safetensors", bytes.Length, Sha256(bytes)), stored);
        Assert.Equal(Sha256(bytes), streamed.Sha256);
        Assert.Equal(stored, await Store.HeadAsync("jobs/ftjob-big/step-1/model.safetensors"));
        Assert.Equal(streamed, await Store.HeadAsync("models/big/model.safetensors"));
        await using var read = await Store.OpenReadAsync("models/big/model.safetensors");
        Assert.Equal(Sha256(bytes), Convert.ToHexStringLower(await SHA256.HashDataAsync(read)));
        Assert.Equal(bytes[(9 * 1024 * 1024 - 10)..(9 * 1024 * 1024 + 10)], await ReadRange("jobs/ftjob-big/step-1/model.safetensors", 9 * 1024 * 1024 - 10, 20));
    }

    [Fact]
    public async Task An_upload_written_in_pieces_becomes_the_object_only_when_completed()
    {
        var bytes = RandomBytes(21 * 1024 * 1024 + 13); // three parts, the last a short one
        await using var upload = await Store.BeginUploadAsync("files/file-streamed");
        for (var offset = 0; offset < bytes.Length; offset += 1_000_003) // writes that do not line up with parts
            await upload.WriteAsync(bytes.AsMemory(offset, Math.Min(1_000_003, bytes.Length - offset)));
        Assert.Null(await Store.HeadAsync("files/file-streamed"));

        var stored = await upload.CompleteAsync();

        var expected = new ArtifactInfo("files/file-streamed", bytes.Length, Sha256(bytes));
        Assert.Equal(expected, stored);
        Assert.Equal(expected, await Store.HeadAsync("files/file-streamed"));
        await using var read = await Store.OpenReadAsync("files/file-streamed");
        Assert.Equal(bytes, await ReadAll(read));
    }

    [Fact]
    public async Task A_small_upload_written_in_pieces_round_trips()
    {
        var bytes = RandomBytes(5000);
        await using var upload = await Store.BeginUploadAsync("files/file-small");
        await upload.WriteAsync(bytes.AsMemory(0, 10));
        await upload.WriteAsync(bytes.AsMemory(10));

        Assert.Equal(new ArtifactInfo("files/file-small", 5000, Sha256(bytes)), await upload.CompleteAsync());
        await using var read = await Store.OpenReadAsync("files/file-small");
        Assert.Equal(bytes, await ReadAll(read));
    }

    [Fact]
    public async Task An_upload_aborted_or_disposed_uncompleted_leaves_nothing()
    {
        var aborted = await Store.BeginUploadAsync("files/file-aborted");
        await aborted.WriteAsync(RandomBytes(17 * 1024 * 1024)); // some parts sent already
        await aborted.AbortAsync();
        await aborted.DisposeAsync();
        await using (var dropped = await Store.BeginUploadAsync("files/file-dropped"))
            await dropped.WriteAsync(RandomBytes(9 * 1024 * 1024));

        Assert.Null(await Store.HeadAsync("files/file-aborted"));
        Assert.Null(await Store.HeadAsync("files/file-dropped"));
        Assert.Empty(await ListAll("files"));
    }

    async Task<List<ArtifactEntry>> ListAll(string folder)
    {
        var all = new List<ArtifactEntry>();
        await foreach (var entry in Store.ListAsync(folder)) all.Add(entry);
        return all;
    }

    [Fact]
    public async Task A_missing_key_is_an_ArtifactNotFoundException_naming_it()
    {
        var whole = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("files/file-missing"));
        var range = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("files/file-missing", 0, 10));
        var folder = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.CopyPrefixToLocalAsync("jobs/ftjob-missing/step-1", Scratch));

        Assert.Equal("files/file-missing", whole.Key);
        Assert.Contains("'files/file-missing'", whole.Message);
        Assert.Equal("files/file-missing", range.Key);
        Assert.Equal("jobs/ftjob-missing/step-1/", folder.Key);
        Assert.Null(await Store.HeadAsync("files/file-missing"));
        Assert.False(ArtifactStoreErrors.IsTransient(whole));
    }

    [Fact]
    public async Task Keys_that_could_escape_the_store_are_refused()
    {
        foreach (var key in new[] { "../etc/passwd", "files/../../x", "/files/a", "files//a", "files/a/", "files\\a", "", ".artifact-store/sha256/x" })
            await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1])));
    }

    [Fact]
    public async Task A_folder_goes_up_and_comes_back_down_checked()
    {
        var model = Directory.CreateDirectory(Path.Combine(Scratch, "model-in"));
        File.WriteAllText(Path.Combine(model.FullName, "config.json"), "{\"hidden_size\":8}");
        Directory.CreateDirectory(Path.Combine(model.FullName, "tokenizer"));
        File.WriteAllBytes(Path.Combine(model.FullName, "tokenizer", "vocab.bin"), RandomBytes(3000));

        var stored = await Store.PutFolderAsync(model.FullName, "jobs/ftjob-f/step-3");
        var copied = await Store.CopyPrefixToLocalAsync("jobs/ftjob-f/step-3/", Path.Combine(Scratch, "model-out"));

        Assert.Equal(["jobs/ftjob-f/step-3/config.json", "jobs/ftjob-f/step-3/tokenizer/vocab.bin"], stored.Select(a => a.Key));
        Assert.Equal(stored, copied);
        Assert.Equal(File.ReadAllText(Path.Combine(model.FullName, "config.json")), File.ReadAllText(Path.Combine(Scratch, "model-out", "config.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(model.FullName, "tokenizer", "vocab.bin")), File.ReadAllBytes(Path.Combine(Scratch, "model-out", "tokenizer", "vocab.bin")));
        Assert.Equal(["config.json", "vocab.bin"], Directory.EnumerateFiles(Path.Combine(Scratch, "model-out"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Copy_to_local_detects_an_object_whose_bytes_no_longer_match_its_sha256()
    {
        await Store.PutAsync("jobs/ftjob-t/step-5/config.json", new MemoryStream(Encoding.UTF8.GetBytes("{}")));
        var original = RandomBytes(4096);
        var stored = await Store.PutAsync("jobs/ftjob-t/step-5/model.safetensors", new MemoryStream(original));
        var tampered = (byte[])original.Clone();
        tampered[2048] ^= 0xFF;
        await TamperAsync("jobs/ftjob-t/step-5/model.safetensors", tampered);

        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Store.CopyPrefixToLocalAsync("jobs/ftjob-t/step-5", Path.Combine(Scratch, "out")));

        Assert.Equal("jobs/ftjob-t/step-5/model.safetensors", e.Key);
        Assert.Equal(stored.Sha256, e.ExpectedSha256);
        Assert.Equal(Sha256(tampered), e.ActualSha256);
        Assert.Contains("'jobs/ftjob-t/step-5/model.safetensors'", e.Message);
        Assert.False(File.Exists(Path.Combine(Scratch, "out", "model.safetensors")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Scratch, "out"), "*.partial"));
    }

    [Fact]
    public async Task Copy_to_local_refuses_an_object_with_no_recorded_sha256()
    {
        await WriteWithoutSha256Async("jobs/ftjob-n/step-1/model.safetensors", [1, 2, 3]);

        Assert.Null((await Store.HeadAsync("jobs/ftjob-n/step-1/model.safetensors"))!.Sha256);
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Store.CopyPrefixToLocalAsync("jobs/ftjob-n/step-1", Path.Combine(Scratch, "out")));
        Assert.Null(e.ExpectedSha256);
        Assert.Contains("no recorded sha256", e.Message);
    }

    protected static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    protected static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    async Task<List<ArtifactEntry>> List(string prefix)
    {
        var entries = new List<ArtifactEntry>();
        await foreach (var entry in Store.ListAsync(prefix)) entries.Add(entry);
        return entries;
    }

    async Task<byte[]> ReadRange(string key, long offset, long length)
    {
        await using var read = await Store.OpenReadAsync(key, offset, length);
        var bytes = await ReadAll(read);
        Assert.Equal(read.Length, bytes.Length);
        return bytes;
    }

    static async Task<byte[]> ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
