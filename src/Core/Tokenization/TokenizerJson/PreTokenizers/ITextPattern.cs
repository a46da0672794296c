namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>What a Split, a Replace or a char-class pre-tokenizer looks for: a string, a regex or a kind of character.</summary>
internal interface ITextPattern
{
    /// <summary>Appends the (start, end) of each non-overlapping occurrence, leftmost first.</summary>
    void Matches(ReadOnlySpan<char> text, List<(int Start, int End)> matches);
}
