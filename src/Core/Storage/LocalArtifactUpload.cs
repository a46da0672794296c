using System.Security.Cryptography;

namespace TuningService.Core.Storage;

/// <summary>
/// <see cref="LocalArtifactStore"/>'s <see cref="ArtifactUpload"/>: the bytes go to a temporary file in the store's
/// own folder, hashed as they come, and reach the key's path by a rename on completion (then the sidecar), as a put does.
/// </summary>
sealed class LocalArtifactUpload : ArtifactUpload
{
    readonly LocalArtifactStore store;
    readonly string partial;
    readonly FileStream file;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long written;
    bool finished;

    public LocalArtifactUpload(LocalArtifactStore store, string key, string tempFolder)
    {
        this.store = store;
        Key = key;
        Directory.CreateDirectory(tempFolder);
        partial = Path.Combine(tempFolder, $"{Guid.NewGuid():N}.partial");
        file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
    }

    public override string Key { get; }
    public override long BytesWritten => written;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        hash.AppendData(buffer.Span);
        await file.WriteAsync(buffer, cancellationToken);
        written += buffer.Length;
    }

    public override async Task<ArtifactInfo> CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        await file.DisposeAsync();
        finished = true;
        var sha256 = Sha256Copy.Hex(hash.GetHashAndReset());
        try
        {
            await store.InstallAsync(Key, partial, sha256, ct);
        }
        finally
        {
            File.Delete(partial);
        }
        return new ArtifactInfo(Key, written, sha256);
    }

    public override async Task AbortAsync()
    {
        if (finished) return;
        finished = true;
        await file.DisposeAsync();
        File.Delete(partial);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) hash.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        hash.Dispose();
    }
}
