using System.Globalization;
using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>tokenizers' StripAccents: nonspacing combining marks (Mn) removed; files put it after NFD/NFKD, which split them off.</summary>
internal sealed class StripAccentsNormalizer : ITextNormalizer
{
    public string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                result.Append(rune.ToString());
            }
        }

        return result.ToString();
    }
}
