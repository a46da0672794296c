using System.Buffers;
using System.Security.Cryptography;

namespace TuningService.Core.Files;

/// <summary>Copies an upload to its destination while validating and hashing it, in one pass.</summary>
public static class FineTuneUpload
{
    private const int ChunkBytes = 81920;

    /// <summary>
    /// Reads <paramref name="source"/> to its end, writing every byte to <paramref name="destination"/>, feeding a
    /// <see cref="FineTuneFileValidator"/> and a SHA-256 hash. The file is copied whether or not it is valid; the
    /// caller decides what to keep. <paramref name="destination"/> is flushed, not disposed.
    /// </summary>
    public static async Task<FineTuneUploadResult> CopyAndValidateAsync(
        Stream source, Stream destination, FineTuneValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var validator = new FineTuneFileValidator(options);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                // The write proceeds while this thread validates and hashes the same (read-only) bytes.
                var write = destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                validator.Feed(buffer.AsSpan(0, read));
                hash.AppendData(buffer, 0, read);
                await write;
                total += read;
            }
            await destination.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new FineTuneUploadResult(total, Convert.ToHexStringLower(hash.GetHashAndReset()), validator.Complete());
    }
}
