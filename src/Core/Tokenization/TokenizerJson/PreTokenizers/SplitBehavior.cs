namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>tokenizers' SplitDelimiterBehavior: what becomes of the delimiters a split finds.</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
