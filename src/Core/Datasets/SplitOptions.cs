namespace TuningService.Core.Datasets;

/// <summary>How to split: the parts' shares, the seed of the shuffle, and what to keep in proportion.</summary>
public sealed record SplitOptions(SplitRatios Ratios, int Seed, StratifyBy Stratify = StratifyBy.Auto);
