namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// One token count of every record, kept as how often each value occurs rather than as a list, so a file's
/// summary is exact (percentiles included: the sorted list is implied by the counts) in memory bounded by the
/// number of distinct lengths, not of records. Distinct lengths are few: d distinct lengths need at least
/// d(d-1)/2 tokens, so a file of B tokens has fewer than sqrt(2B) + 1 of them (about 32,000 for 500 M tokens,
/// under 1 MiB here), and in practice they are bounded by the longest record (a few thousand).
/// </summary>
public sealed class TokenCountAccumulator
{
    readonly Dictionary<int, long> occurrences = [];

    public long Count { get; private set; }

    public void Add(int value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "Token counts cannot be negative.");
        occurrences[value] = occurrences.GetValueOrDefault(value) + 1;
        Count++;
    }

    /// <summary>The summary of the values added (as <see cref="TokenCountSummary.Of"/> gives for them as a list); null when none were.</summary>
    public TokenCountSummary? Summary()
    {
        if (Count == 0) return null;
        var values = occurrences.Keys.Order().ToArray();
        var runs = new long[values.Length]; // runs[i]: values at ranks below the end of values[i]'s run
        long seen = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var times = occurrences[values[i]];
            seen += times;
            runs[i] = seen;
            total += values[i] * times;
        }
        int At(long rank) => values[BinarySearchRun(runs, rank)];
        double Percentile(double percent)
        {
            // Percentiles.Linear on the implied sorted list, the same arithmetic on the same ints.
            double rank = (Count - 1) * percent / 100;
            long below = (long)Math.Floor(rank);
            long above = Math.Min(below + 1, Count - 1);
            return At(below) + ((rank - below) * (At(above) - At(below)));
        }
        return new TokenCountSummary(total, values[0], (double)total / Count, Percentile(50), Percentile(90), Percentile(95), Percentile(99),
            values[^1], LengthHistogram.FromOccurrences(values.Select(v => (v, occurrences[v]))));
    }

    /// <summary>The run holding the value at 0-based <paramref name="rank"/>: the first whose end is above it.</summary>
    static int BinarySearchRun(long[] runs, long rank)
    {
        int low = 0, high = runs.Length - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (runs[middle] > rank) high = middle;
            else low = middle + 1;
        }
        return low;
    }
}
