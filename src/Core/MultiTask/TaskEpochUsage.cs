using System.Globalization;

namespace TuningService.Core.MultiTask;

/// <summary>
/// The realised mix of one task in one epoch: how many examples it has, its target rate, how many went into the
/// epoch and how many of those were distinct (the rest are repeats of an example already used this epoch).
/// </summary>
/// <param name="EpochShare">ExamplesUsed over the epoch's size: the realised rate, within one example of <paramref name="Rate"/>.</param>
public sealed record TaskEpochUsage(string Task, int ExamplesAvailable, double Rate, int ExamplesUsed, int DistinctExamplesUsed, double EpochShare)
{
    /// <summary>Examples used beyond the distinct ones: 0 when the task was subsampled or used exactly once.</summary>
    public int RepeatedExamples => ExamplesUsed - DistinctExamplesUsed;

    /// <summary>One line for the job's events, e.g. "qa: rate 0.400, 56 of 140 used (0 repeats)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Task}: rate {Rate:0.000}, {ExamplesUsed} used of {ExamplesAvailable} available ({DistinctExamplesUsed} distinct, {RepeatedExamples} repeats)");
}
