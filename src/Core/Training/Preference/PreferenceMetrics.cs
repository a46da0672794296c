namespace TuningService.Core.Training.Preference;

/// <summary>
/// TRL's DPO metrics, means over pairs: the implicit rewards β·(log π − log π_ref) of the preferred and
/// non-preferred answers, their margin, the share of pairs ranked right, and the policy's summed log-probs.
/// </summary>
public sealed record PreferenceMetrics(double RewardsChosen, double RewardsRejected, double RewardsAccuracies, double LogpsChosen, double LogpsRejected)
{
    public const int SumCount = 5;

    public double RewardsMargins => RewardsChosen - RewardsRejected;

    /// <summary>From the sums of <see cref="PreferenceLossResult.Sums"/> over <paramref name="pairs"/> pairs.</summary>
    public static PreferenceMetrics FromSums(ReadOnlySpan<float> sums, int pairs)
    {
        if (sums.Length != SumCount)
            throw new ArgumentException($"Expected {SumCount} sums, got {sums.Length}.", nameof(sums));
        double n = Math.Max(pairs, 1);
        return new PreferenceMetrics(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n);
    }

    /// <summary>The metrics under TRL's names, with <paramref name="prefix"/> ("" or "eval_").</summary>
    public IEnumerable<KeyValuePair<string, double>> Named(string prefix = "") =>
    [
        new(prefix + "rewards/chosen", RewardsChosen),
        new(prefix + "rewards/rejected", RewardsRejected),
        new(prefix + "rewards/margins", RewardsMargins),
        new(prefix + "rewards/accuracies", RewardsAccuracies),
        new(prefix + "logps/chosen", LogpsChosen),
        new(prefix + "logps/rejected", LogpsRejected),
    ];
}
