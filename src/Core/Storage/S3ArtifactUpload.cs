using System.Security.Cryptography;
using Amazon.S3.Model;

namespace TuningService.Core.Storage;

/// <summary>
/// <see cref="S3ArtifactStore"/>'s <see cref="ArtifactUpload"/>: bytes are gathered into 8 MiB parts; a part is sent
/// once the next byte arrives (so an object of one part or less is a single PUT), in the background while the next
/// part fills, so the network and the caller's reading (the validation of an upload) overlap. At most two part
/// buffers exist: memory is 16 MiB whatever the object's size.
/// <para>
/// S3 takes user metadata only when a multipart upload starts, and the sha256 is known only at the end, so a
/// multipart object's sha256 is written to a sidecar object just before the upload is completed
/// (<see cref="S3ArtifactStore.CompleteUploadAsync"/>). A process that dies mid-upload leaves an incomplete
/// multipart upload, invisible to reads and listings, which a bucket lifecycle rule (AbortIncompleteMultipartUpload)
/// removes.
/// </para>
/// </summary>
sealed class S3ArtifactUpload : ArtifactUpload
{
    readonly S3ArtifactStore store;
    readonly string objectKey;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly List<PartETag> parts = [];
    // Not the writers' tokens: a part runs on after the write that started it returns; an abort cancels it.
    readonly CancellationTokenSource aborted = new();
    byte[] filling = new byte[S3ArtifactStore.PartSizeBytes];
    byte[]? spare;
    int filled;
    Task<PartETag>? inFlight;
    byte[]? inFlightBuffer;
    string? uploadId;
    long written;
    bool finished;

    public S3ArtifactUpload(S3ArtifactStore store, string key, string objectKey)
    {
        this.store = store;
        this.objectKey = objectKey;
        Key = key;
    }

    public override string Key { get; }
    public override long BytesWritten => written;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        while (buffer.Length > 0)
        {
            if (filled == filling.Length) await SendFullPartAsync(filled, cancellationToken);
            var n = Math.Min(filling.Length - filled, buffer.Length);
            buffer.Span[..n].CopyTo(filling.AsSpan(filled));
            hash.AppendData(buffer.Span[..n]);
            filled += n;
            written += n;
            buffer = buffer[n..];
        }
    }

    public override async Task<ArtifactInfo> CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        var sha256 = Sha256Copy.Hex(hash.GetHashAndReset());
        try
        {
            if (uploadId is null)
            {
                await store.PutBufferAsync(Key, objectKey, filling, filled, sha256, ct);
            }
            else
            {
                await SendFullPartAsync(filled, ct); // the last part, of any size
                parts.Add(await inFlight!);
                inFlight = null;
                await store.CompleteUploadAsync(Key, objectKey, uploadId, parts, sha256, ct);
            }
            finished = true;
            return new ArtifactInfo(Key, written, sha256);
        }
        catch
        {
            await AbortAsync();
            throw;
        }
    }

    public override async Task AbortAsync()
    {
        if (finished) return;
        finished = true;
        await aborted.CancelAsync();
        if (inFlight is not null)
        {
            try { await inFlight; }
            catch (Exception) { /* cancelled or failed: the abort below removes whatever parts were stored */ }
        }
        if (uploadId is not null) await store.AbortUploadAsync(Key, objectKey, uploadId);
    }

    /// <summary>Sends the filled buffer as the next part after the previous part has arrived, and carries on filling the other buffer.</summary>
    async Task SendFullPartAsync(int length, CancellationToken ct)
    {
        uploadId ??= await store.StartUploadAsync(Key, objectKey, ct);
        if (inFlight is not null)
        {
            parts.Add(await inFlight.WaitAsync(ct));
            spare = inFlightBuffer;
        }
        var partNumber = parts.Count + 1;
        inFlightBuffer = filling;
        inFlight = store.UploadPartAsync(Key, objectKey, uploadId, partNumber, filling, length, aborted.Token);
        filling = spare ?? new byte[S3ArtifactStore.PartSizeBytes];
        spare = null;
        filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            hash.Dispose();
            aborted.Dispose();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        hash.Dispose();
        aborted.Dispose();
    }
}
