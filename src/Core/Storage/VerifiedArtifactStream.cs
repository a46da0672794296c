using System.Security.Cryptography;

namespace TuningService.Core.Storage;

/// <summary>
/// An object read straight from the store for a download, checked as it goes: its bytes are hashed while read, and
/// reading the last one throws an <see cref="ArtifactIntegrityException"/> when they differ from the sha256 recorded
/// with the object (or none was). A download cannot be checked before it starts without reading the object twice,
/// so the check ends it instead: the response is cut short and the client sees a failed transfer, never a damaged
/// file that looks whole.
/// <para>
/// It says <see cref="CanSeek"/> so that <see cref="System.Formats.Tar.TarWriter"/> reads <see cref="Length"/> and
/// writes the entry's size before its data (with a stream that cannot seek it would seek back in the archive, which a
/// response body cannot do); the only seek it allows is to where it already is, so nothing is ever read twice.
/// </para>
/// </summary>
public sealed class VerifiedArtifactStream(ArtifactReadStream inner) : Stream
{
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long position;
    bool checkedHash;

    public ArtifactInfo Artifact => inner.Artifact;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => Length + offset,
        };
        if (target != position) throw new NotSupportedException("An artifact read from the store is read once, front to back.");
        return position;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        return Account(buffer[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span[..n]);
    }

    int Account(ReadOnlySpan<byte> read)
    {
        hash.AppendData(read);
        position += read.Length;
        if (position == Length && !checkedHash && Length == inner.Artifact.Size)
        {
            checkedHash = true;
            var actual = Sha256Copy.Hex(hash.GetHashAndReset());
            if (actual != inner.Artifact.Sha256)
                throw new ArtifactIntegrityException(inner.Artifact.Key, "the artifact store", inner.Artifact.Sha256, actual);
        }
        return read.Length;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        hash.Dispose();
        await base.DisposeAsync();
    }
}
