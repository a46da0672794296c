using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TuningService.Core.Configuration;

namespace TuningService.Core.Storage;

/// <summary>
/// Artifacts as objects in an S3-compatible bucket, under <see cref="S3StorageOptions.Prefix"/>. Each object's sha256
/// is stored in its user metadata (<c>x-amz-meta-sha256</c>). Objects up to one part (8 MiB) go up in one PUT; larger
/// ones, and streams of unknown length, go up as a multipart upload of 8 MiB parts, aborted on failure or
/// cancellation so that no parts are left behind. Reads stream straight from the response: memory stays flat.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>S3 wants parts of at least 5 MiB (except the last); 8 MiB keeps the part count of a 10 GB model under S3's 10,000.</summary>
    public const int PartSizeBytes = 8 * 1024 * 1024;

    const string Sha256MetadataKey = "x-amz-meta-sha256";

    readonly AmazonS3Client client;
    readonly string bucket;
    readonly string objectPrefix;
    readonly string endpoint;
    readonly string scratchDir;

    /// <param name="scratchDir">Where a large upload from a stream that cannot seek is spooled first (its sha256 must be known before the upload starts).</param>
    public S3ArtifactStore(S3StorageOptions options, string scratchDir)
    {
        bucket = options.Bucket ?? throw new ArgumentException("The S3 store needs a bucket.", nameof(options));
        objectPrefix = string.IsNullOrEmpty(options.Prefix) ? "" : ArtifactKeys.Folder(options.Prefix);
        this.scratchDir = scratchDir;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // The SDK's default adds CRC32 trailers in aws-chunked bodies, which many S3-compatible servers (s3rver,
            // older MinIO and Ceph) reject or store as garbage; our own sha256 covers integrity.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // An endpoint that does not answer should fail start-up in seconds, not in minutes.
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            endpoint = $"AWS S3 ({options.Region})";
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
            endpoint = options.ServiceUrl;
        }
        client = string.IsNullOrWhiteSpace(options.AccessKey)
            ? new AmazonS3Client(config) // the SDK's default credential chain
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public string Description => $"s3://{bucket}/{objectPrefix} at {endpoint}";

    /// <summary>Objects per listing request; S3 answers at most 1,000. Tests lower it to see pagination.</summary>
    internal int ListPageSize { get; init; } = 1000;

    public async Task ValidateAsync(CancellationToken ct = default)
    {
        const string settings = "Tuning:Storage:S3";
        var where = $"bucket '{bucket}' at {endpoint}";
        var probeKey = $"{objectPrefix}{ArtifactKeys.ReservedFolder}/probe-{Guid.NewGuid():N}";
        try
        {
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = objectPrefix, MaxKeys = 1 }, ct);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = probeKey, InputStream = new MemoryStream([1]), UseChunkEncoding = false }, ct);
            await client.DeleteObjectAsync(bucket, probeKey, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is null))
        {
            throw new StartupException($"The artifact store's {where} does not exist. Create the bucket, or fix {settings}:Bucket " +
                $"(Tuning__Storage__S3__Bucket) or {settings}:ServiceUrl.", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
            || e.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied")
        {
            throw new StartupException($"The artifact store's {where} refused this service's credentials ({e.ErrorCode ?? e.StatusCode.ToString()}: " +
                $"{e.Message.Trim()}). Fix {settings}:AccessKey and {settings}:SecretKey (or the AWS default credential chain) and check that " +
                "they may list, read, write and delete in the bucket.", e);
        }
        catch (AmazonClientException e) when (e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) && !IsUnreachable(e))
        {
            throw new StartupException($"No credentials for the artifact store's {where}: {e.Message.Trim()} Set {settings}:AccessKey and " +
                $"{settings}:SecretKey (Tuning__Storage__S3__AccessKey, ...) or configure the AWS default credential chain.", e);
        }
        catch (Exception e) when (IsUnreachable(e) && !ct.IsCancellationRequested)
        {
            throw new StartupException($"Cannot reach the artifact store's S3 endpoint {endpoint} (bucket '{bucket}'): {Innermost(e)}. " +
                $"Check that the server is running and {settings}:ServiceUrl (Tuning__Storage__S3__ServiceUrl) is right.", e);
        }
        catch (AmazonServiceException e)
        {
            throw new StartupException($"The artifact store's {where} failed a start-up check ({e.ErrorCode ?? e.StatusCode.ToString()}: " +
                $"{e.Message.Trim()}). Check {settings} and the server's logs.", e);
        }
    }

    public async Task<ArtifactInfo> PutAsync(string key, Stream content, CancellationToken ct = default)
    {
        var objectKey = ObjectKey(key);
        var buffer = new byte[PartSizeBytes];
        var start = content.CanSeek ? content.Position : 0;
        var first = await ReadFullAsync(content, buffer, ct);
        if (first < PartSizeBytes)
        {
            var sha256 = Sha256Copy.Hex(SHA256.HashData(buffer.AsSpan(0, first)));
            await PutBufferAsync(key, objectKey, buffer, first, sha256, ct);
            return new ArtifactInfo(key, first, sha256);
        }

        // S3 takes user metadata only when an upload starts, so the sha256 is needed before the first part: a seekable
        // source is hashed in a first pass, anything else is spooled to a scratch file while hashing.
        if (content.CanSeek)
        {
            var (size, sha256) = await HashRestAsync(content, buffer, first, ct);
            content.Seek(start, SeekOrigin.Begin);
            return await MultipartAsync(key, objectKey, content, size, sha256, buffer, ct);
        }
        Directory.CreateDirectory(scratchDir);
        var spool = Path.Combine(scratchDir, $"{Guid.NewGuid():N}.upload");
        try
        {
            await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await file.WriteAsync(buffer.AsMemory(0, first), ct);
            await content.CopyToAsync(file, ct);
            file.Seek(0, SeekOrigin.Begin);
            var (size, sha256) = await HashRestAsync(file, buffer, 0, ct);
            file.Seek(0, SeekOrigin.Begin);
            return await MultipartAsync(key, objectKey, file, size, sha256, buffer, ct);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    public Task<ArtifactUpload> BeginUploadAsync(string key, CancellationToken ct = default) =>
        Task.FromResult<ArtifactUpload>(new S3ArtifactUpload(this, key, ObjectKey(key)));

    /// <summary>One PUT of a buffer's first <paramref name="length"/> bytes, with their sha256 in the metadata.</summary>
    internal async Task PutBufferAsync(string key, string objectKey, byte[] buffer, int length, string sha256, CancellationToken ct)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket, Key = objectKey, InputStream = new MemoryStream(buffer, 0, length, writable: false), AutoCloseStream = false,
            UseChunkEncoding = false, // see UploadPartAsync
        };
        request.Metadata.Add(Sha256MetadataKey, sha256);
        await Call("PUT", key, () => client.PutObjectAsync(request, ct), ct);
    }

    /// <summary>Starts a multipart upload whose sha256 is not known yet (<see cref="CompleteUploadAsync"/> records it).</summary>
    internal async Task<string> StartUploadAsync(string key, string objectKey, CancellationToken ct)
    {
        var start = new InitiateMultipartUploadRequest { BucketName = bucket, Key = objectKey };
        return (await Call("PUT (start multipart)", key, () => client.InitiateMultipartUploadAsync(start, ct), ct)).UploadId;
    }

    internal async Task<PartETag> UploadPartAsync(string key, string objectKey, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken ct)
    {
        var part = new UploadPartRequest
        {
            BucketName = bucket, Key = objectKey, UploadId = uploadId, PartNumber = partNumber,
            InputStream = new MemoryStream(buffer, 0, length, writable: false), PartSize = length,
            UseChunkEncoding = false, // plain bodies: s3rver stores aws-chunked framing as if it were data
        };
        var uploaded = await Call($"PUT (part {partNumber})", key, () => client.UploadPartAsync(part, ct), ct);
        return new PartETag(partNumber, uploaded.ETag);
    }

    /// <summary>
    /// Completes a multipart upload started by <see cref="StartUploadAsync"/>, its sha256 written first to a sidecar
    /// object (<see cref="SidecarKey"/>): S3 takes metadata only when an upload starts, before the hash is known, and
    /// the usual way round, a copy of the object onto itself with new metadata, is not understood by every
    /// S3-compatible server (s3rver decodes the copy source wrongly). The sidecar goes first, so that a completed
    /// object always has its sha256; a crash in between leaves a sidecar of a few bytes that no listing shows.
    /// </summary>
    internal async Task CompleteUploadAsync(string key, string objectKey, string uploadId, List<PartETag> parts, string sha256, CancellationToken ct)
    {
        var sidecar = new PutObjectRequest
        {
            BucketName = bucket, Key = SidecarKey(key), ContentBody = sha256, UseChunkEncoding = false,
        };
        await Call("PUT (sha256 sidecar)", key, () => client.PutObjectAsync(sidecar, ct), ct);
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId, PartETags = parts };
        await Call("PUT (complete multipart)", key, () => client.CompleteMultipartUploadAsync(complete, ct), ct);
    }

    /// <summary>The object that holds the sha256 of an object stored by a streamed upload, in the store's own folder (never listed).</summary>
    string SidecarKey(string key) => $"{objectPrefix}{SidecarFolder}{key}";

    const string SidecarFolder = ArtifactKeys.ReservedFolder + "/sha256/";

    /// <summary>The sha256 in the object's metadata, or else in its sidecar (a streamed upload's), or null.</summary>
    async Task<string?> Sha256OfAsync(string key, MetadataCollection metadata, CancellationToken ct)
    {
        if (Sha256Of(metadata) is { } recorded) return recorded;
        try
        {
            using var response = await client.GetObjectAsync(bucket, SidecarKey(key), ct);
            using var reader = new StreamReader(response.ResponseStream);
            return (await reader.ReadToEndAsync(ct)).Trim();
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchKey" || e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Aborts a multipart upload so that its parts are not kept; best effort (a lifecycle rule cleans up what this misses).</summary>
    internal async Task AbortUploadAsync(string key, string objectKey, string uploadId)
    {
        // Not with the caller's token: a cancelled upload must still be aborted, or its parts stay in the bucket.
        try { await client.AbortMultipartUploadAsync(bucket, objectKey, uploadId, CancellationToken.None); }
        catch (Exception) { /* the failure that made the caller abort is the one to report */ }
    }

    public Task<ArtifactReadStream> OpenReadAsync(string key, CancellationToken ct = default) =>
        GetAsync(key, ObjectKey(key), null, null, ct);

    public async Task<ArtifactReadStream> OpenReadAsync(string key, long offset, long length, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var objectKey = ObjectKey(key);
        // An empty range cannot be said in a Range header (S3 ignores "bytes=10-9" and sends everything).
        if (length == 0) return Empty(await HeadOrThrowAsync(key, offset, ct));
        try
        {
            return await GetAsync(key, objectKey, offset, length, ct);
        }
        catch (ArtifactStoreException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.RequestedRangeNotSatisfiable })
        {
            // 416: the offset is at or past the end. At the end is an empty read, past it an error.
            return Empty(await HeadOrThrowAsync(key, offset, ct));
        }
    }

    public async Task<ArtifactInfo?> HeadAsync(string key, CancellationToken ct = default)
    {
        var objectKey = ObjectKey(key);
        try
        {
            var response = await Call("HEAD", key, () => client.GetObjectMetadataAsync(bucket, objectKey, ct), ct);
            return new ArtifactInfo(key, response.ContentLength, await Call("GET (sha256 sidecar)", key, () => Sha256OfAsync(key, response.Metadata, ct), ct));
        }
        catch (ArtifactNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<ArtifactEntry> ListAsync(string folderPrefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var folder = ArtifactKeys.Folder(folderPrefix);
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = objectPrefix + folder, MaxKeys = ListPageSize };
        while (true)
        {
            var page = await Call("LIST", folder, () => client.ListObjectsV2Async(request, ct), ct);
            foreach (var o in page.S3Objects ?? [])
            {
                var key = o.Key[objectPrefix.Length..];
                if (key.StartsWith(ArtifactKeys.ReservedFolder + "/", StringComparison.Ordinal)) continue; // start-up probes
                yield return new ArtifactEntry(key, o.Size ?? 0);
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var objectKey = ObjectKey(key);
        await Call("DELETE", key, () => client.DeleteObjectAsync(bucket, objectKey, ct), ct);
        await Call("DELETE", key, () => client.DeleteObjectAsync(bucket, SidecarKey(key), ct), ct); // a streamed upload's sha256
    }

    public async Task<int> DeletePrefixAsync(string folderPrefix, CancellationToken ct = default)
    {
        var folder = ArtifactKeys.Folder(folderPrefix);
        if (folder.Length == 0) throw new ArgumentException("Refusing to delete every artifact: name a folder prefix.", nameof(folderPrefix));
        // Listed first, deleted after: deleting while paginating would move the continuation token's ground.
        var keys = new List<string>();
        await foreach (var entry in ListAsync(folder, ct)) keys.Add(entry.Key);
        // With the sidecars of streamed uploads under the folder (ListAsync leaves the store's own folder out).
        var objectKeys = keys.Select(ObjectKey).ToList();
        var sidecars = new ListObjectsV2Request { BucketName = bucket, Prefix = SidecarKey(folder), MaxKeys = ListPageSize };
        while (true)
        {
            var page = await Call("LIST", folder, () => client.ListObjectsV2Async(sidecars, ct), ct);
            objectKeys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) break;
            sidecars.ContinuationToken = page.NextContinuationToken;
        }
        foreach (var batch in objectKeys.Chunk(1000))
        {
            var request = new DeleteObjectsRequest { BucketName = bucket, Objects = [.. batch.Select(k => new KeyVersion { Key = k })], Quiet = true };
            var response = await Call("DELETE", folder, () => client.DeleteObjectsAsync(request, ct), ct);
            if (response.DeleteErrors is { Count: > 0 } errors)
                throw new ArtifactStoreException($"S3 could not delete {errors.Count} of the objects under '{folder}' in {Description}, e.g. " +
                    $"'{errors[0].Key}': {errors[0].Code} {errors[0].Message}", new AmazonS3Exception(errors[0].Message));
        }
        return keys.Count;
    }

    public Task<IReadOnlyList<ArtifactInfo>> CopyPrefixToLocalAsync(string folderPrefix, string localFolder, CancellationToken ct = default) =>
        ArtifactFolderTransfer.DownloadAsync(this, folderPrefix, localFolder, ct);

    public Task<IReadOnlyList<ArtifactInfo>> PutFolderAsync(string localFolder, string folderPrefix, CancellationToken ct = default) =>
        ArtifactFolderTransfer.UploadAsync(this, localFolder, folderPrefix, ct);

    public void Dispose() => client.Dispose();

    async Task<ArtifactInfo> MultipartAsync(string key, string objectKey, Stream source, long size, string sha256, byte[] buffer, CancellationToken ct)
    {
        var start = new InitiateMultipartUploadRequest { BucketName = bucket, Key = objectKey };
        start.Metadata.Add(Sha256MetadataKey, sha256);
        var uploadId = (await Call("PUT (start multipart)", key, () => client.InitiateMultipartUploadAsync(start, ct), ct)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long sent = 0;
            int n;
            while ((n = await ReadFullAsync(source, buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                var part = new UploadPartRequest
                {
                    BucketName = bucket, Key = objectKey, UploadId = uploadId, PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(buffer, 0, n, writable: false), PartSize = n,
                    // Plain bodies: some S3-compatible servers (s3rver) store aws-chunked framing as if it were data. The
                    // part is in memory, so signing its whole payload costs one more pass over 8 MiB.
                    UseChunkEncoding = false,
                };
                var uploaded = await Call($"PUT (part {part.PartNumber})", key, () => client.UploadPartAsync(part, ct), ct);
                parts.Add(new PartETag(parts.Count + 1, uploaded.ETag));
                sent += n;
            }
            // The sha256 was taken in an earlier pass: a source that changed since would be stored under a wrong hash.
            var actual = Sha256Copy.Hex(hash.GetHashAndReset());
            if (actual != sha256 || sent != size)
                throw new IOException($"The content for '{key}' changed while it was being uploaded ({size} bytes with sha256 {sha256} " +
                    $"when hashed, {sent} bytes with sha256 {actual} when sent); nothing was stored.");
            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId, PartETags = parts };
            await Call("PUT (complete multipart)", key, () => client.CompleteMultipartUploadAsync(complete, ct), ct);
            return new ArtifactInfo(key, size, sha256);
        }
        catch
        {
            // Not with ct: a cancelled upload must still be aborted, or its parts stay in the bucket (and on the bill).
            try { await client.AbortMultipartUploadAsync(bucket, objectKey, uploadId, CancellationToken.None); }
            catch (Exception) { /* the original failure is the one to report; a bucket lifecycle rule cleans up the rest */ }
            throw;
        }
    }

    async Task<ArtifactReadStream> GetAsync(string key, string objectKey, long? offset, long? length, CancellationToken ct)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = objectKey };
        if (offset is { } from && length is { } count)
            request.ByteRange = new ByteRange(from, count >= long.MaxValue - from ? long.MaxValue - 1 : from + count - 1);
        var response = await Call("GET", key, () => client.GetObjectAsync(request, ct), ct);
        try
        {
            var size = response.ContentRange is { } range && TotalOf(range) is { } total ? total : response.ContentLength;
            var info = new ArtifactInfo(key, size, await Call("GET (sha256 sidecar)", key, () => Sha256OfAsync(key, response.Metadata, ct), ct));
            return new ArtifactReadStream(info, response.ResponseStream, response.ContentLength, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    async Task<ArtifactInfo> HeadOrThrowAsync(string key, long offset, CancellationToken ct)
    {
        var info = await HeadAsync(key, ct) ?? throw new ArtifactNotFoundException(key, Description);
        if (offset > info.Size)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Artifact '{key}' has {info.Size} bytes; the offset is past its end.");
        return info;
    }

    static ArtifactReadStream Empty(ArtifactInfo info) => new(info, Stream.Null, 0);

    /// <summary>The object's size from "bytes 0-9/1234".</summary>
    static long? TotalOf(string contentRange) =>
        long.TryParse(contentRange[(contentRange.LastIndexOf('/') + 1)..], out var total) ? total : null;

    static string? Sha256Of(MetadataCollection metadata) =>
        metadata.Keys.Contains(Sha256MetadataKey) ? metadata[Sha256MetadataKey] : null;

    string ObjectKey(string key) => objectPrefix + ArtifactKeys.Check(key);

    /// <summary>
    /// One S3 request, its failures turned into the store's: a missing object into <see cref="ArtifactNotFoundException"/>,
    /// anything else into an <see cref="ArtifactStoreException"/> that names the request, key, bucket and endpoint.
    /// </summary>
    async Task<T> Call<T>(string operation, string key, Func<Task<T>> request, CancellationToken ct)
    {
        try
        {
            return await request();
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchKey" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is null or "NotFound"))
        {
            throw new ArtifactNotFoundException(key, Description);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException
                                  && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw new ArtifactStoreException($"S3 {operation} of '{key}' in {Description} failed: {Innermost(e)}", e);
        }
    }

    Task Call(string operation, string key, Func<Task> request, CancellationToken ct) =>
        Call(operation, key, async () => { await request(); return 0; }, ct);

    static async Task<(long Size, string Sha256)> HashRestAsync(Stream content, byte[] buffer, int alreadyRead, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(buffer, 0, alreadyRead);
        long size = alreadyRead;
        int n;
        while ((n = await content.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            size += n;
        }
        return (size, Sha256Copy.Hex(hash.GetHashAndReset()));
    }

    static async Task<int> ReadFullAsync(Stream source, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await source.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += n;
        return total;
    }

    static bool IsUnreachable(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is HttpRequestException or SocketException or TimeoutException || x is TaskCanceledException { InnerException: TimeoutException }) return true;
        return false;
    }

    static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException) messages.Add(x.Message.Trim());
        return string.Join(" ← ", messages.Distinct()).ReplaceLineEndings(" ");
    }
}
