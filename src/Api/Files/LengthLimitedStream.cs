using TuningService.Api.Infrastructure;

namespace TuningService.Api.Files;

/// <summary>A read-only wrapper that answers 413 as soon as more than <c>limit</c> bytes have been read.</summary>
public sealed class LengthLimitedStream(Stream inner, long limit) : Stream
{
    long read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        read += n;
        if (read > limit)
            throw new ApiException(413, $"The file is larger than this server's limit of {limit:N0} bytes (Tuning:MaxUploadBytes).", "file", "file_too_large");
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
