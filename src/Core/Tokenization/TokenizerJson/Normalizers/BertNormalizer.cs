using System.Globalization;
using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>
/// tokenizers' BertNormalizer: clean_text drops NUL, U+FFFD and control characters and turns whitespace into a
/// space; handle_chinese_chars puts spaces around CJK ideographs; strip_accents (default: as lowercase) removes
/// combining marks after NFD; lowercase.
/// </summary>
internal sealed class BertNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase) : ITextNormalizer
{
    public string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (cleanText)
            {
                if (rune.Value is 0 or 0xFFFD || (IsControl(rune) && !Rune.IsWhiteSpace(rune)))
                {
                    continue;
                }

                if (Rune.IsWhiteSpace(rune))
                {
                    result.Append(' ');
                    continue;
                }
            }

            if (handleChineseChars && IsChinese(rune.Value))
            {
                result.Append(' ').Append(rune.ToString()).Append(' ');
                continue;
            }

            result.Append(rune.ToString());
        }

        var normalized = result.ToString();
        if (stripAccents ?? lowercase)
        {
            normalized = new string(normalized.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());
        }

        return lowercase ? normalized.ToLowerInvariant() : normalized;
    }

    // tokenizers: \t \n \r are whitespace, not control; other Cc, Cf, Co, Cn... count as control.
    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;

    private static bool IsChinese(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
