using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>tokenizers' Nmt normalizer (sentencepiece's nmt_nfkc without the NFKC): control characters dropped, odd spaces made ' '.</summary>
internal sealed class NmtNormalizer : ITextNormalizer
{
    public string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case >= 0x0001 and <= 0x0008 or 0x000B or >= 0x000E and <= 0x001F or 0x007F or 0x008F or 0x009F:
                    break;
                case 0x0009 or 0x000A or 0x000C or 0x000D or 0x1680 or >= 0x200B and <= 0x200F or 0x2028 or 0x2029 or 0x2581 or 0xFEFF or 0xFFFD:
                    result.Append(' ');
                    break;
                default:
                    result.Append(rune.ToString());
                    break;
            }
        }

        return result.ToString();
    }
}
