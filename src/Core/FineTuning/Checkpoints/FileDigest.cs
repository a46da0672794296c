using System.Buffers;
using System.Security.Cryptography;

namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>A file's SHA-256 (lowercase hex) and the number of bytes it was computed over.</summary>
internal readonly record struct FileDigest(string Sha256, long Bytes)
{
    // Checkpoint files run to gigabytes: they are read through one pooled buffer, so memory stays flat.
    const int BufferSize = 1 << 20;

    /// <summary>Reads the whole file once; with <paramref name="flushToDisk"/> the file is also fsynced through the
    /// same handle (fsync needs no write access), so a commit reads and syncs each file in one pass.</summary>
    public static FileDigest Of(string path, bool flushToDisk)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read,
            Options = FileOptions.SequentialScan, BufferSize = 0,
        });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long bytes = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                bytes += read;
            }
            if (flushToDisk) RandomAccess.FlushToDisk(stream.SafeFileHandle);
            return new FileDigest(Convert.ToHexStringLower(hash.GetHashAndReset()), bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
