using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TuningService.Core.Datasets;

/// <summary>
/// A 128-bit digest of a (prompt, completion) pair, so that duplicate detection keeps 16 bytes per example instead of
/// its text. The first half of SHA-256 (in the base library, hardware-accelerated, and collision-resistant against
/// adversarial data, unlike a fast non-cryptographic hash): for n examples the chance that two different ones share
/// a digest is about n²/2¹²⁹, under 10⁻²⁴ for ten million, so exact answers stay exact in every practical sense.
/// The prompt's length is hashed first, so ("ab", "c") and ("a", "bc") differ.
/// </summary>
public static class TextPairHash
{
    /// <summary>The digest of one text (as the pair (text, "")).</summary>
    public static UInt128 Of(string text) => Of(text, "");

    public static UInt128 Of(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var promptBytes = MemoryMarshal.AsBytes(prompt.AsSpan());
        var completionBytes = MemoryMarshal.AsBytes(completion.AsSpan());
        var length = sizeof(int) + promptBytes.Length + completionBytes.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan(0, length);
            BinaryPrimitives.WriteInt32LittleEndian(buffer, prompt.Length);
            promptBytes.CopyTo(buffer[sizeof(int)..]);
            completionBytes.CopyTo(buffer[(sizeof(int) + promptBytes.Length)..]);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer, digest);
            return BinaryPrimitives.ReadUInt128LittleEndian(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
