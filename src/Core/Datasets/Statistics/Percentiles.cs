namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// Percentiles by linear interpolation between closest ranks: numpy's default (<c>np.percentile(x, p)</c>,
/// method "linear", Hyndman and Fan's type 7). For n sorted values the p-th percentile sits at rank
/// h = (n - 1) * p / 100 (0-based) and is x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
/// </summary>
/// <remarks>Written here because .NET has no percentile function; it is four lines and the method must be stated.</remarks>
public static class Percentiles
{
    /// <param name="sorted">The values in ascending order; at least one.</param>
    /// <param name="percent">0 to 100.</param>
    public static double Linear(IReadOnlyList<int> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        double rank = (sorted.Count - 1) * percent / 100;
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }
}
