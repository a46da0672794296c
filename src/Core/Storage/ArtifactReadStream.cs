namespace TuningService.Core.Storage;

/// <summary>
/// An object's bytes (or a range of them) as a forward-only stream that knows its length, with the object's
/// <see cref="ArtifactInfo"/> (size and recorded sha256 of the whole object). Disposing it releases the file or the
/// HTTP response underneath.
/// </summary>
public sealed class ArtifactReadStream : Stream
{
    readonly Stream inner;
    readonly IDisposable? owner;
    long remaining;

    internal ArtifactReadStream(ArtifactInfo artifact, Stream inner, long length, IDisposable? owner = null)
    {
        Artifact = artifact;
        this.inner = inner;
        this.owner = owner;
        Length = length;
        remaining = length;
    }

    /// <summary>The whole object this stream reads from (its size, not this range's).</summary>
    public ArtifactInfo Artifact { get; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    /// <summary>The bytes this stream yields in all: the object's size, or the range's length.</summary>
    public override long Length { get; }

    public override long Position
    {
        get => Length - remaining;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (remaining <= 0 || buffer.Length == 0) return 0;
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
        return Advance(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (remaining <= 0 || buffer.Length == 0) return 0;
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], cancellationToken);
        return Advance(n);
    }

    int Advance(int n)
    {
        // A source that ends before the length it announced was cut off (a dropped connection): say so rather than
        // hand back a short file that looks whole.
        if (n == 0) throw new EndOfStreamException($"Artifact '{Artifact.Key}' ended after {Position} of {Length} bytes.");
        remaining -= n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        owner?.Dispose();
        await base.DisposeAsync();
    }
}
