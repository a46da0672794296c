using System.Globalization;
using System.Text;

namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// The few Python string operations the reference metric tools (SQuAD's script, rouge-score, sacreBLEU) are built on,
/// where .NET differs. Our figures must equal theirs, so these follow CPython rather than .NET:
/// <list type="bullet">
/// <item><c>str.isspace</c>/<c>str.split()</c>: .NET's whitespace plus U+001C..U+001F (file/group/record/unit
/// separators), which CPython counts as whitespace and <see cref="char.IsWhiteSpace(char)"/> does not.</item>
/// <item><c>str.lower()</c>: full case mapping. .NET's invariant lowering keeps U+0130 (İ) as is, where Python gives
/// "i\u0307"; and Python lowers Σ to final ς at the end of a word (Unicode's Final_Sigma rule).</item>
/// </list>
/// </summary>
internal static class PythonText
{
    /// <summary>CPython's <c>str.isspace()</c> for one UTF-16 unit (no whitespace lies outside the BMP).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>CPython's <c>str.split()</c> without arguments: runs of whitespace separate, no empty pieces.</summary>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsSpace(text[i]))
            {
                if (start >= 0) pieces.Add(text[start..i]);
                start = -1;
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        if (start >= 0) pieces.Add(text[start..]);
        return pieces;
    }

    /// <summary>CPython's <c>str.rstrip()</c>.</summary>
    public static string TrimEnd(string text)
    {
        var end = text.Length;
        while (end > 0 && IsSpace(text[end - 1])) end--;
        return text[..end];
    }

    /// <summary>CPython's <c>str.lower()</c>.</summary>
    public static string Lower(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        var lowered = new StringBuilder(text.Length);
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            if (rune.Value == 0x0130)
                lowered.Append("i\u0307");
            else if (rune.Value == 0x03A3)
                lowered.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            else
                lowered.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return lowered.ToString();
    }

    // Final_Sigma: a cased letter before (skipping case-ignorables) and no cased letter after (skipping them too),
    // as CPython's handle_capital_sigma decides it.
    private static bool IsFinalSigma(Rune[] runes, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before])) before--;
        if (before < 0 || !IsCased(runes[before])) return false;
        var after = index + 1;
        while (after < runes.Length && IsCaseIgnorable(runes[after])) after++;
        return after == runes.Length || !IsCased(runes[after]);
    }

    // Unicode's Cased property: the cased letter categories, plus characters with a case mapping (Ⅰ, Ⓐ, ...), which is
    // how Other_Lowercase/Other_Uppercase show through .NET's API.
    private static bool IsCased(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter
        || Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune;

    // Unicode's Case_Ignorable property: marks, format characters, modifier letters and symbols, and the word-internal
    // punctuation of Word_Break MidLetter/MidNumLet/Single_Quote (apostrophes, full stops, colons, middle dots).
    private static bool IsCaseIgnorable(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || rune.Value is 0x0027 or 0x002E or 0x003A or 0x00B7 or 0x0387 or 0x055F or 0x05F4 or 0x2018 or 0x2019
            or 0x2024 or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
}
