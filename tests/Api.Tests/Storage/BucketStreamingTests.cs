using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon.S3.Model;
using TuningService.Api.Tests.Support;
using TuningService.Core.Tests.Storage;

namespace TuningService.Api.Tests.Storage;

/// <summary>
/// With Tuning:Storage:Kind=s3 (a real S3-compatible server, s3rver): an upload goes into the bucket while it is
/// validated and a refused one leaves nothing there; a file's /content and a model's tar come from the bucket, byte
/// for byte, when this machine's cache lacks them.
/// </summary>
public sealed class BucketStreamingTests : IClassFixture<S3rverServer>, IDisposable
{
    readonly S3rverServer s3;
    readonly string prefix = $"api-{Guid.NewGuid():N}/";
    readonly TuningApiFactory factory;

    public BucketStreamingTests(S3rverServer s3)
    {
        this.s3 = s3;
        factory = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false",
            ["Tuning:ApiKeys:0:Key"] = "key-admin", ["Tuning:ApiKeys:0:Owner"] = "admin", ["Tuning:ApiKeys:0:Admin"] = "true",
            ["Tuning:Storage:Kind"] = "s3", ["Tuning:Storage:S3:ServiceUrl"] = s3.ServiceUrl, ["Tuning:Storage:S3:Bucket"] = S3rverServer.Bucket,
            ["Tuning:Storage:S3:Prefix"] = prefix, ["Tuning:Storage:S3:ForcePathStyle"] = "true",
            ["Tuning:Storage:S3:AccessKey"] = S3rverServer.AccessKey, ["Tuning:Storage:S3:SecretKey"] = S3rverServer.SecretKey,
        });
    }

    public void Dispose() => factory.Dispose();

    ApiClient Api()
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "key-admin");
        return new ApiClient(http);
    }

    /// <summary>About <paramref name="bytes"/> of valid prompt/completion JSONL: more than one 8 MiB part makes a multipart upload.</summary>
    static byte[] Jsonl(int bytes, string? badLineAtEnd = null)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < bytes; i++) text.Append($"{{\"prompt\":\"question {i} {new string('x', 200)}\",\"completion\":\"answer {i}\"}}\n");
        if (badLineAtEnd is not null) text.Append(badLineAtEnd).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public async Task An_upload_lands_in_the_bucket_and_content_streams_back_from_it_when_the_cache_lacks_it()
    {
        var bytes = Jsonl(20 * 1024 * 1024);
        var api = Api();

        var response = await api.UploadAsync(bytes);
        var file = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, file.ToJsonString());
        var id = file["id"]!.GetValue<string>();
        Assert.Equal(bytes, await ObjectAsync($"files/{id}"));

        File.Delete(Path.Combine(factory.DataDir, "files", id)); // as on a machine that never had it
        using var content = await api.Http.GetAsync($"/v1/files/{id}/content");
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal(bytes.Length, content.Content.Headers.ContentLength);
        Assert.Equal(bytes, await content.Content.ReadAsByteArrayAsync());
        Assert.False(File.Exists(Path.Combine(factory.DataDir, "files", id))); // streamed, not fetched to disk
    }

    [Fact]
    public async Task A_refused_upload_leaves_nothing_in_the_bucket()
    {
        var bytes = Jsonl(20 * 1024 * 1024, badLineAtEnd: "{\"prompt\": unterminated"); // two parts sent before the bad line is read

        var response = await Api().UploadAsync(bytes);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await ListBucketAsync());
        var files = Path.Combine(factory.DataDir, "files");
        Assert.False(Directory.Exists(files) && Directory.EnumerateFileSystemEntries(files).Any());
    }

    [Fact]
    public async Task A_model_downloads_as_a_tar_streamed_from_the_bucket_when_the_cache_lacks_it()
    {
        var api = Api();
        var imported = await api.ImportArchiveAsync(ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny"), "bucket-llama");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, (await ApiClient.JsonAsync(imported)).ToJsonString());
        Directory.Delete(Path.Combine(factory.DataDir, "models", "bucket-llama"), recursive: true); // as on another machine

        // Listed and found from the database, not from this machine's disk; the name stays taken.
        Assert.Contains((await api.GetJsonAsync("/v1/models"))["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "bucket-llama");
        var again = await api.ImportArchiveAsync(ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny"), "bucket-llama");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("model_exists", (await ApiClient.JsonAsync(again))["error"]!["code"]!.GetValue<string>());

        using var response = await api.Http.GetAsync("/v1/models/bucket-llama/content");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = new Dictionary<string, byte[]>();
        await using (var tar = new TarReader(await response.Content.ReadAsStreamAsync()))
            while (await tar.GetNextEntryAsync(copyData: true) is { } entry)
            {
                using var data = new MemoryStream();
                await entry.DataStream!.CopyToAsync(data);
                entries[entry.Name] = data.ToArray();
            }
        var objects = await ListBucketAsync();
        Assert.Equal(objects.Select(k => "bucket-llama/" + k["models/bucket-llama/".Length..]).Order(), entries.Keys.Order());
        foreach (var key in objects)
            Assert.Equal(await ObjectAsync(key), entries["bucket-llama/" + key["models/bucket-llama/".Length..]]);
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "models", "bucket-llama"))); // streamed, not fetched to disk
    }

    async Task<byte[]> ObjectAsync(string key)
    {
        using var raw = s3.RawClient();
        using var response = await raw.GetObjectAsync(S3rverServer.Bucket, prefix + key);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>The keys under this test's prefix, the store's own folder (start-up probes, sha256 sidecars) left out.</summary>
    async Task<List<string>> ListBucketAsync()
    {
        using var raw = s3.RawClient();
        var listed = await raw.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3rverServer.Bucket, Prefix = prefix });
        return [.. (listed.S3Objects ?? []).Select(o => o.Key[prefix.Length..]).Where(k => !k.StartsWith(".artifact-store/", StringComparison.Ordinal))];
    }
}
