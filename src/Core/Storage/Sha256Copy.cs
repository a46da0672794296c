using System.Security.Cryptography;

namespace TuningService.Core.Storage;

/// <summary>Copies a stream while hashing it, so that nothing is read twice to learn its sha256.</summary>
static class Sha256Copy
{
    const int BufferSize = 1024 * 1024;

    /// <returns>The bytes copied and their sha256 as lower-case hex.</returns>
    public static async Task<(long Bytes, string Sha256)> CopyAsync(Stream source, Stream destination, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long total = 0;
        int n;
        while ((n = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            await destination.WriteAsync(buffer.AsMemory(0, n), ct);
            total += n;
        }
        return (total, Hex(hash.GetHashAndReset()));
    }

    public static string Hex(ReadOnlySpan<byte> digest) => Convert.ToHexStringLower(digest);
}
