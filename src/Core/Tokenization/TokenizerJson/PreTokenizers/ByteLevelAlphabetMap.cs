using System.Text;
using TuningService.Core.Tokenization.ByteLevelBpe;

namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>GPT-2's byte ↔ printable-character table, both ways (ByteLevel pre-tokenizer and decoder).</summary>
internal static class ByteLevelAlphabetMap
{
    private static readonly char[] CharOfByte = [.. ByteLevelAlphabet.Symbols.Select(symbol => symbol[0])];
    private static readonly Dictionary<char, byte> ByteOfChar = Enumerable.Range(0, 256).ToDictionary(b => CharOfByte[b], b => (byte)b);

    /// <summary>The text's UTF-8 bytes, each written as its stand-in character ("é" → "Ã©", " " → "Ġ").</summary>
    public static string Map(ReadOnlySpan<char> text)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = maxBytes <= 1024 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var count = Encoding.UTF8.GetBytes(text, bytes);
        return string.Create(count, bytes[..count].ToArray(), static (chars, b) =>
        {
            for (var i = 0; i < b.Length; i++)
            {
                chars[i] = CharOfByte[b[i]];
            }
        });
    }

    /// <summary>The bytes a token's characters stand for, or false when one of them is not in the table.</summary>
    public static bool TryUnmap(string token, List<byte> bytes)
    {
        var mark = bytes.Count;
        foreach (var c in token)
        {
            if (!ByteOfChar.TryGetValue(c, out var b))
            {
                bytes.RemoveRange(mark, bytes.Count - mark);
                return false;
            }

            bytes.Add(b);
        }

        return true;
    }
}
