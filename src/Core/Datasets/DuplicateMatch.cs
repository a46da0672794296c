namespace TuningService.Core.Datasets;

/// <summary>An example is a duplicate of the earlier one at <paramref name="FirstIndex"/> (an index in the caller's list).</summary>
public sealed record DuplicateMatch(DuplicateKind Kind, int FirstIndex);
