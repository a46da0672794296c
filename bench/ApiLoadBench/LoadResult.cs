namespace TuningService.Bench.ApiLoadBench;

/// <summary>What one fixed-rate run measured: every request's latency from its due time.</summary>
/// <param name="Wall">From the first due time until the last answer.</param>
/// <param name="SendLagMs">How late each request left the generator; high values mean the generator itself lagged.</param>
/// <param name="Failed">Requests that got a non-2xx answer, a connection error or a timeout.</param>
public sealed record LoadResult(string Path, int Rate, int Requests, TimeSpan Wall, IReadOnlyList<double> LatencyMs,
    IReadOnlyList<double> SendLagMs, int Failed)
{
    /// <summary>Nearest-rank percentile (0 &lt; p ≤ 100) over all requests.</summary>
    public double Percentile(double p) => Percentile(LatencyMs, p);

    public double Max => LatencyMs.Max();

    /// <summary>Requests answered per second over the whole run.</summary>
    public double AchievedRate => Requests / Wall.TotalSeconds;

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
