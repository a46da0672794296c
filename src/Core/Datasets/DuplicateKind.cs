namespace TuningService.Core.Datasets;

/// <summary>How an example matches an earlier one (see <see cref="DuplicateKeys"/>).</summary>
public enum DuplicateKind
{
    /// <summary>Identical prompt and completion.</summary>
    Exact,

    /// <summary>The same ignoring case, whitespace and punctuation.</summary>
    Normalized,
}
