using System.Runtime.InteropServices;
using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>
/// Rust's String::from_utf8_lossy: each maximal invalid subsequence becomes one U+FFFD. .NET's UTF8 decoder follows
/// the same Unicode "maximal subpart" practice, so its replacement behaviour is the one wanted.
/// </summary>
internal static class Utf8Lossy
{
    private static readonly Encoding Lossy = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private static readonly Encoding Strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(List<byte> bytes) => Lossy.GetString(CollectionsMarshal.AsSpan(bytes));

    /// <summary>The bytes as UTF-8, or null when they are not valid UTF-8.</summary>
    public static string? TryDecodeStrict(List<byte> bytes)
    {
        try
        {
            return Strict.GetString(CollectionsMarshal.AsSpan(bytes));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
