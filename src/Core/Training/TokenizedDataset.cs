namespace TuningService.Core.Training;

/// <summary>Tokenized examples and how many of them had to be truncated to fit the model's context.</summary>
public sealed record TokenizedDataset(IReadOnlyList<TokenizedExample> Examples, int TruncatedCount);
