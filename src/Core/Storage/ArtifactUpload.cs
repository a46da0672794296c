namespace TuningService.Core.Storage;

/// <summary>
/// An object being stored from bytes that arrive in pieces (an HTTP upload read while it is validated): a
/// write-only stream whose bytes become the object under <see cref="Key"/> only when <see cref="CompleteAsync"/> is
/// called. Until then nothing is visible under the key; <see cref="AbortAsync"/>, or disposing it uncompleted, throws
/// the bytes away so that nothing is left in the store. The sha256 is taken while the bytes are written, so nothing is
/// read twice. Memory stays flat in the object's size (the S3 store holds at most two parts).
/// </summary>
public abstract class ArtifactUpload : Stream
{
    /// <summary>The key the object will have.</summary>
    public abstract string Key { get; }

    /// <summary>Bytes written so far.</summary>
    public abstract long BytesWritten { get; }

    /// <summary>Makes the written bytes the object under <see cref="Key"/>, with their sha256 recorded.</summary>
    public abstract Task<ArtifactInfo> CompleteAsync(CancellationToken ct = default);

    /// <summary>Throws the written bytes away; nothing is left in the store. Safe to call more than once, and after a failure.</summary>
    public abstract Task AbortAsync();

    public sealed override bool CanRead => false;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => true;
    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    public sealed override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>An upload that was not completed is aborted, so that a failed request leaves nothing behind.</summary>
    public override async ValueTask DisposeAsync()
    {
        await AbortAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) AbortAsync().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
