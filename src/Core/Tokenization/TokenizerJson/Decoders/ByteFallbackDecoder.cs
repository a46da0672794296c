using System.Globalization;

namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>
/// tokenizers' ByteFallback: runs of &lt;0xXX&gt; tokens become the UTF-8 text of their bytes; a run that is not valid
/// UTF-8 becomes one U+FFFD per byte (not per invalid sequence, unlike the ByteLevel decoder).
/// </summary>
internal sealed class ByteFallbackDecoder : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                continue;
            }

            Flush(bytes, result);
            result.Add(token);
        }

        Flush(bytes, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        result.Add(Utf8Lossy.TryDecodeStrict(bytes) ?? new string('\uFFFD', bytes.Count));
        bytes.Clear();
    }
}
