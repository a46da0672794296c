using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Finds examples that repeat an earlier one, in the order they are offered: the first occurrence is the one
/// kept, later ones are reported against it. Cleaning and splitting both use it, so they agree on what a
/// duplicate is. It keeps each distinct example's two keys as 128-bit digests (<see cref="TextPairHash"/>) with the
/// caller's index: about 2 × 40 bytes per distinct example with the dictionaries' own overhead, whatever its length.
/// </summary>
public sealed class DuplicateFinder
{
    readonly Dictionary<UInt128, long> exact = [];
    readonly Dictionary<UInt128, long> normalized = [];

    /// <summary>
    /// The earlier example <paramref name="example"/> repeats (exact before normalised), or null when it is the
    /// first of its kind, in which case it is remembered under <paramref name="index"/> (an index or a position).
    /// </summary>
    public DuplicateMatch? Check(TrainingExample example, long index)
    {
        var (prompt, completion) = DuplicateKeys.Exact(example);
        var exactKey = TextPairHash.Of(prompt, completion);
        if (exact.TryGetValue(exactKey, out var first)) return new DuplicateMatch(DuplicateKind.Exact, first);
        var (normalizedPrompt, normalizedCompletion) = DuplicateKeys.Normalized(example);
        var normalizedKey = TextPairHash.Of(normalizedPrompt, normalizedCompletion);
        if (normalized.TryGetValue(normalizedKey, out first)) return new DuplicateMatch(DuplicateKind.Normalized, first);
        exact[exactKey] = index;
        normalized[normalizedKey] = index;
        return null;
    }
}
