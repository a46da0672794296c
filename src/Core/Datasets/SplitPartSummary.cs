namespace TuningService.Core.Datasets;

/// <summary>One part of a split as its report shows it.</summary>
/// <param name="FileId">The file that holds the part, when the split was written to files.</param>
public sealed record SplitPartSummary(string Name, int Records, IReadOnlyDictionary<string, int> Distribution, string? FileId = null);
