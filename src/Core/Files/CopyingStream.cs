using System.Security.Cryptography;

namespace TuningService.Core.Files;

/// <summary>
/// A read-only stream over an upload that writes every byte it reads to a destination and into a hash, so that
/// whoever reads it (a validator, a CSV parser) copies and hashes the file in the same pass.
/// </summary>
internal sealed class CopyingStream(Stream source, Stream destination, IncrementalHash hash) : Stream
{
    public long BytesCopied { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await source.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            hash.AppendData(buffer.Span[..read]);
            await destination.WriteAsync(buffer[..read], cancellationToken);
            BytesCopied += read;
        }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        int read = source.Read(buffer);
        if (read > 0)
        {
            hash.AppendData(buffer[..read]);
            destination.Write(buffer[..read]);
            BytesCopied += read;
        }
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesCopied; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
