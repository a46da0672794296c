using System.Net;
using System.Net.Sockets;
using Amazon.S3.Model;
using TuningService.Core.Configuration;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>
/// The contract on the S3 store against a real S3-compatible server (s3rver), each test under a prefix of its own;
/// listings come two objects a page so that pagination is exercised. Also start-up validation and transient errors,
/// which only S3 has.
/// </summary>
public sealed class S3ArtifactStoreContractTests : ArtifactStoreContractTests, IClassFixture<S3rverServer>
{
    readonly S3rverServer server;
    readonly S3StorageOptions options;
    readonly S3ArtifactStore store;

    public S3ArtifactStoreContractTests(S3rverServer server)
    {
        this.server = server;
        options = server.Options();
        store = new S3ArtifactStore(options, Path.Combine(Scratch, "spool")) { ListPageSize = 2 };
    }

    protected override IArtifactStore Store => store;

    public override void Dispose()
    {
        store.Dispose();
        base.Dispose();
    }

    protected override async Task TamperAsync(string key, byte[] bytes)
    {
        using var raw = server.RawClient();
        var head = await raw.GetObjectMetadataAsync(options.Bucket, options.Prefix + key);
        var put = new PutObjectRequest { BucketName = options.Bucket, Key = options.Prefix + key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false };
        foreach (var name in head.Metadata.Keys) put.Metadata.Add(name, head.Metadata[name]); // the old sha256 stays
        await raw.PutObjectAsync(put);
    }

    protected override async Task WriteWithoutSha256Async(string key, byte[] bytes)
    {
        using var raw = server.RawClient();
        await raw.PutObjectAsync(new PutObjectRequest { BucketName = options.Bucket, Key = options.Prefix + key, InputStream = new MemoryStream(bytes) });
    }

    [Fact]
    public async Task A_streamed_upload_records_its_sha256_in_a_sidecar_that_listings_and_deletes_cover()
    {
        var bytes = RandomBytes(9 * 1024 * 1024); // more than one part: a multipart upload
        await using (var upload = await store.BeginUploadAsync("files/file-side"))
        {
            await upload.WriteAsync(bytes);
            await upload.CompleteAsync();
        }
        Assert.Equal(new ArtifactInfo("files/file-side", bytes.Length, Sha256(bytes)), await store.HeadAsync("files/file-side"));
        var listed = new List<string>();
        await foreach (var entry in store.ListAsync("")) listed.Add(entry.Key);
        Assert.Equal(["files/file-side"], listed);

        await store.DeletePrefixAsync("files");

        using var raw = server.RawClient();
        var left = await raw.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix });
        Assert.Empty(left.S3Objects ?? []); // the object and its sidecar
    }

    [Fact]
    public async Task Objects_go_under_the_prefix_with_their_sha256_in_user_metadata()
    {
        var stored = await store.PutAsync("files/file-m", new MemoryStream([1, 2, 3]));

        using var raw = server.RawClient();
        var head = await raw.GetObjectMetadataAsync(options.Bucket, options.Prefix + "files/file-m");
        Assert.Equal(stored.Sha256, head.Metadata["x-amz-meta-sha256"]);
    }

    [Fact]
    public async Task A_cancelled_multipart_upload_leaves_no_object_and_no_parts()
    {
        // The store hashes a seekable source in a first pass (20 MiB), then uploads it: cancelled after the first part went up.
        using var cancel = new CancellationTokenSource();
        var cancelling = new CancelAfterReadingStream(RandomBytes(20 * 1024 * 1024), 32 * 1024 * 1024, cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync("models/cancelled/model.safetensors", cancelling, cancel.Token));

        Assert.Null(await store.HeadAsync("models/cancelled/model.safetensors"));
        // s3rver implements neither ListMultipartUploads nor AbortMultipartUpload (it answers 405), so what can be seen
        // is that the store asked for the abort: s3rver logs each response (method cut off) and answers the abort's
        // DELETE ...?uploadId= with 405, where the upload's own requests (parts, completion) put partNumber first or get 200.
        var upload = server.RequestLog().Where(line => line.Contains("/models/cancelled/model.safetensors?")).ToList();
        Assert.True(upload.Any(line => line.Contains("model.safetensors?uploadId=") && line.Contains(" 405 ")), string.Join("\n", upload));
        Assert.Empty(Directory.Exists(Path.Combine(Scratch, "spool")) ? Directory.GetFiles(Path.Combine(Scratch, "spool")) : []);
    }

    [Fact]
    public async Task Validation_passes_on_a_reachable_bucket_and_leaves_nothing()
    {
        await store.ValidateAsync();

        using var raw = server.RawClient();
        var objects = await raw.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix });
        Assert.Empty(objects.S3Objects ?? []);
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_with_a_transient_error_and_a_start_up_message_naming_it()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        using var down = new S3ArtifactStore(Copy(server.Options(), serviceUrl: url), Scratch);
        var read = await Assert.ThrowsAsync<ArtifactStoreException>(() => down.OpenReadAsync("files/file-abc"));
        var startup = await Assert.ThrowsAsync<StartupException>(() => down.ValidateAsync());

        Assert.True(ArtifactStoreErrors.IsTransient(read), read.ToString());
        Assert.Contains(url, read.Message);
        Assert.Contains("'files/file-abc'", read.Message);
        Assert.Contains($"Cannot reach the artifact store's S3 endpoint {url}", startup.Message);
        Assert.Contains("Tuning:Storage:S3:ServiceUrl", startup.Message);
    }

    [Fact]
    public async Task A_missing_bucket_fails_start_up_naming_the_bucket()
    {
        using var missing = new S3ArtifactStore(Copy(server.Options(), bucket: "no-such-bucket"), Scratch);

        var e = await Assert.ThrowsAsync<StartupException>(() => missing.ValidateAsync());

        Assert.Contains("bucket 'no-such-bucket'", e.Message);
        Assert.Contains(server.ServiceUrl, e.Message);
        Assert.Contains("Tuning:Storage:S3:Bucket", e.Message);
    }

    [Fact]
    public async Task Refused_credentials_fail_start_up_saying_which_settings_to_fix()
    {
        using var wrong = new S3ArtifactStore(Copy(server.Options(), accessKey: "NOT-A-KEY", secretKey: "wrong"), Scratch);

        var e = await Assert.ThrowsAsync<StartupException>(() => wrong.ValidateAsync());

        Assert.Contains("refused this service's credentials", e.Message);
        Assert.Contains("Tuning:Storage:S3:AccessKey", e.Message);
        Assert.Contains(server.ServiceUrl, e.Message);
    }

    static S3StorageOptions Copy(S3StorageOptions o, string? serviceUrl = null, string? bucket = null, string? accessKey = null, string? secretKey = null) => new()
    {
        ServiceUrl = serviceUrl ?? o.ServiceUrl,
        Region = o.Region,
        Bucket = bucket ?? o.Bucket,
        Prefix = o.Prefix,
        ForcePathStyle = o.ForcePathStyle,
        AccessKey = accessKey ?? o.AccessKey,
        SecretKey = secretKey ?? o.SecretKey,
    };

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
