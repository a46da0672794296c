namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// The distribution of one token count over a dataset's records: extremes, mean, percentiles (linear
/// interpolation, see <see cref="Percentiles"/>) and a power-of-two histogram (see <see cref="LengthHistogram"/>).
/// </summary>
public sealed record TokenCountSummary(
    long Total, int Min, double Mean, double P50, double P90, double P95, double P99, int Max, IReadOnlyList<HistogramBucket> Histogram)
{
    /// <summary>The summary of <paramref name="counts"/>; null when there are none.</summary>
    public static TokenCountSummary? Of(IReadOnlyCollection<int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var accumulator = new TokenCountAccumulator();
        foreach (var count in counts) accumulator.Add(count);
        return accumulator.Summary();
    }
}
