using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>NFC, NFD, NFKC, NFKD (.NET's String.Normalize, ICU underneath; already-normalized text is returned as is).</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : ITextNormalizer
{
    public string Normalize(string text) => text.IsNormalized(form) ? text : text.Normalize(form);
}
