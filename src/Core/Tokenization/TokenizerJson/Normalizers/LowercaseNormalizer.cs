namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>
/// tokenizers' Lowercase. .NET's invariant lowercasing is Unicode's simple case mapping; Rust's to_lowercase is the
/// full one, which differs only for U+0130 (İ → "i̇", two code points, in Rust).
/// </summary>
internal sealed class LowercaseNormalizer : ITextNormalizer
{
    public string Normalize(string text) => text.Contains('\u0130') ? text.Replace("\u0130", "i\u0307", StringComparison.Ordinal).ToLowerInvariant() : text.ToLowerInvariant();
}
