namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// Cuts each piece at the pattern's occurrences as the behaviour says (tokenizers' Split, and Digits, Punctuation,
/// Whitespace, WhitespaceSplit, CharDelimiterSplit and BertPreTokenizer, which are splits by a fixed pattern).
/// <paramref name="invert"/>: the occurrences are the pieces to keep and the text between them the delimiters.
/// </summary>
internal sealed class SplitPreTokenizer(ITextPattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    [ThreadStatic]
    private static List<(int Start, int End)>? t_matches;

    public void Split(PreToken piece, List<PreToken> output)
    {
        var matches = t_matches ??= [];
        matches.Clear();
        pattern.Matches(piece.Text.Span, matches);
        DelimiterSplitter.Split(piece, matches, behavior, invert, output);
    }
}
