using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// A regex from a tokenizer.json (written for Rust's onig / Python's regex) run over code points as those engines
/// do. .NET's Regex works on UTF-16 code units, so a supplementary letter (𝔘, U+2B739) is two surrogates that
/// <c>\p{L}</c> does not match and a digit like 𝟙 counts twice in <c>\p{N}{1,3}</c>. Text holding surrogates is
/// therefore matched on a shadow string with one BMP stand-in of the same Unicode category per code point, and the
/// match positions are mapped back. Stand-ins are chosen high in the BMP and never among the pattern's literals.
/// .NET's <c>\s</c>, <c>\d</c>, <c>\w</c>, <c>\p{..}</c> are Unicode by default, as in those engines; a pattern .NET
/// cannot parse (possessive quantifiers, for one) is refused.
/// </summary>
internal sealed class CodePointRegex : ITextPattern
{
    private readonly Regex _regex;
    private readonly char[] _standIns;

    public CodePointRegex(string pattern, string source)
    {
        try
        {
            _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"'{source}': regex {pattern} cannot be used by .NET's Regex: {e.Message}", e);
        }

        Pattern = pattern;
        _standIns = StandIns(pattern);
    }

    public string Pattern { get; }

    /// <summary>Appends the (start, end) of each non-overlapping match, leftmost first, in UTF-16 indices of <paramref name="text"/>.</summary>
    public void Matches(ReadOnlySpan<char> text, List<(int Start, int End)> matches)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            foreach (var match in _regex.EnumerateMatches(text))
            {
                matches.Add((match.Index, match.Index + match.Length));
            }

            return;
        }

        // One shadow char per code point; starts[i] is where shadow char i begins in text (starts[^1] = text.Length).
        var shadow = new char[text.Length];
        var starts = new int[text.Length + 1];
        var length = 0;
        for (var i = 0; i < text.Length; length++)
        {
            starts[length] = i;
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) == System.Buffers.OperationStatus.Done && rune.IsBmp == false)
            {
                shadow[length] = _standIns[(int)CharUnicodeInfo.GetUnicodeCategory(rune.Value)];
            }
            else
            {
                // A lone surrogate stays itself (category Cs), as onig sees the replacement for invalid UTF-8 differently anyway.
                shadow[length] = text[i];
                consumed = 1;
            }

            i += consumed;
        }

        starts[length] = text.Length;
        foreach (var match in _regex.EnumerateMatches(shadow.AsSpan(0, length)))
        {
            matches.Add((starts[match.Index], starts[match.Index + match.Length]));
        }
    }

    /// <summary>For each Unicode category, the highest BMP char of that category not written in the pattern.</summary>
    private static char[] StandIns(string pattern)
    {
        var categories = Enum.GetValues<UnicodeCategory>();
        var standIns = new char[categories.Length];
        for (var c = 0xFFFD; c >= 0x80; c--)
        {
            if (c is >= 0xD800 and <= 0xDFFF || pattern.Contains((char)c, StringComparison.Ordinal))
            {
                continue;
            }

            var category = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (standIns[category] == '\0')
            {
                standIns[category] = (char)c;
            }
        }

        return standIns;
    }
}
