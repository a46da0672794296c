using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// tokenizers' <c>Fn(char) -&gt; bool</c> pattern: every code point for which the test holds is one occurrence of its
/// own (Digits, Punctuation, WhitespaceSplit, CharDelimiterSplit split on these).
/// </summary>
internal sealed class CharClassPattern(Func<Rune, bool> test) : ITextPattern
{
    /// <summary>Rust's char::is_numeric: general categories Nd, Nl and No.</summary>
    public static bool IsNumeric(Rune rune) => Rune.IsNumber(rune);

    /// <summary>Rust's char::is_whitespace: the Unicode White_Space property.</summary>
    public static bool IsWhitespace(Rune rune) => Rune.IsWhiteSpace(rune);

    /// <summary>tokenizers' is_punc: ASCII punctuation (which includes $+&lt;=&gt;^`|~) or a P* category.</summary>
    public static bool IsPunctuation(Rune rune) =>
        (rune.IsAscii && char.IsAsciiLetterOrDigit((char)rune.Value) == false && rune.Value is > 0x20 and < 0x7F) || Rune.IsPunctuation(rune);

    public void Matches(ReadOnlySpan<char> text, List<(int Start, int End)> matches)
    {
        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed);
            consumed = Math.Max(consumed, 1);
            if (test(rune))
            {
                matches.Add((i, i + consumed));
            }

            i += consumed;
        }
    }
}
