namespace TuningService.Core.Datasets;

/// <summary>
/// Counts the prompts (normalised, <see cref="DuplicateKeys.NormalizedText"/>) that appear in more than one part of a
/// split (<see cref="SplitPlan.PromptsInSeveralParts"/>), as the parts' examples are met in any order. Each distinct
/// prompt is held as a 128-bit digest (<see cref="TextPairHash"/>) with a byte of parts: about 40 bytes each.
/// </summary>
public sealed class PromptsAcrossParts
{
    readonly Dictionary<UInt128, byte> parts = [];

    /// <param name="part">The part's place in <see cref="SplitPlan.Parts"/> (0 to 2).</param>
    public void Add(string prompt, int part)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(part, 7);
        var normalized = DuplicateKeys.NormalizedText(prompt);
        if (normalized.Length == 0) return; // plain-text records have no prompt to share
        var key = TextPairHash.Of(normalized);
        parts[key] = (byte)(parts.GetValueOrDefault(key) | (1 << part));
    }

    public int Count => parts.Values.Count(mask => System.Numerics.BitOperations.PopCount(mask) > 1);
}
