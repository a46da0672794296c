using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Finds examples that repeat an earlier one, in the order they are offered: the first occurrence is the one
/// kept, later ones are reported against it. Cleaning and splitting both use it, so they agree on what a
/// duplicate is.
/// </summary>
public sealed class DuplicateFinder
{
    readonly Dictionary<(string, string), int> exact = [];
    readonly Dictionary<(string, string), int> normalized = [];

    /// <summary>
    /// The earlier example <paramref name="example"/> repeats (exact before normalised), or null when it is the
    /// first of its kind, in which case it is remembered under <paramref name="index"/>.
    /// </summary>
    public DuplicateMatch? Check(TrainingExample example, int index)
    {
        var exactKey = DuplicateKeys.Exact(example);
        if (exact.TryGetValue(exactKey, out var first)) return new DuplicateMatch(DuplicateKind.Exact, first);
        var normalizedKey = DuplicateKeys.Normalized(example);
        if (normalized.TryGetValue(normalizedKey, out first)) return new DuplicateMatch(DuplicateKind.Normalized, first);
        exact[exactKey] = index;
        normalized[normalizedKey] = index;
        return null;
    }
}
