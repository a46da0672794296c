namespace TuningService.Core.Datasets;

/// <summary>One part of a split.</summary>
/// <param name="Name">train, validation or test.</param>
/// <param name="Indices">The records it holds, as indices into the list that was split, in file order.</param>
/// <param name="Distribution">How many of them each stratum (label, task, "task / label", or "all") has.</param>
public sealed record SplitPart(string Name, IReadOnlyList<int> Indices, IReadOnlyDictionary<string, int> Distribution);
