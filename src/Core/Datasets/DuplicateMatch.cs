namespace TuningService.Core.Datasets;

/// <summary>An example is a duplicate of the earlier one at <paramref name="FirstIndex"/> (the index or position the caller gave it).</summary>
public sealed record DuplicateMatch(DuplicateKind Kind, long FirstIndex);
