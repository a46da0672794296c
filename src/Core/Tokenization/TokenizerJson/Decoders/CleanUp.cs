namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>transformers' clean_up_tokenization (and tokenizers' WordPiece cleanup): spaces before punctuation and contractions removed, in this order.</summary>
internal static class CleanUp
{
    public static string Tokenization(string text) => Tokenization(text, doNot: false);

    /// <summary>tokenizers' Rust cleanup also turns " do not" into " don't"; transformers' Python one does not.</summary>
    public static string Tokenization(string text, bool doNot) => (doNot ? text.Replace(" do not", " don't", StringComparison.Ordinal) : text)
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}
