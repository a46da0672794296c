namespace TuningService.Core.Tests.Storage;

/// <summary>
/// A seekable source that cancels a token once this many bytes have been read from it in all (a caller giving up
/// mid-upload). It wraps its bytes rather than deriving from MemoryStream, whose async reads call its sync ones and
/// would count twice.
/// </summary>
sealed class CancelAfterReadingStream(byte[] bytes, long cancelAfter, CancellationTokenSource cancel) : Stream
{
    readonly MemoryStream inner = new(bytes, writable: false);
    long read;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        if ((read += n) >= cancelAfter) cancel.Cancel();
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
