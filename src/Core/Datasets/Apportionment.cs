namespace TuningService.Core.Datasets;

/// <summary>
/// Divides whole records between parts in given ratios, for several strata at once: every stratum's count in
/// every part is within one record of its exact share, and each part's total is its share of all records
/// rounded by the largest-remainder method. Rounding each stratum alone would not do: with many small strata
/// (300 labels of 3 records, 10% validation) every stratum would round its validation share down to 0.
/// </summary>
public static class Apportionment
{
    // n × ratio lands a hair under an integer in floating point (100 × 0.29 = 28.999999999999996).
    const double Epsilon = 1e-9;

    /// <returns>For each stratum, the count for each part.</returns>
    public static int[][] Apportion(IReadOnlyList<int> sizes, IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var shares = Normalize(ratios);
        var targets = LargestRemainder(sizes.Sum(), shares);
        var counts = sizes.Select(n => shares.Select(r => (int)Math.Floor(n * r + Epsilon)).ToArray()).ToArray();
        var left = sizes.Select((n, s) => n - counts[s].Sum()).ToArray();
        var missing = Enumerable.Range(0, shares.Length).Select(p => targets[p] - counts.Sum(c => c[p])).ToArray();

        // Leftover records go where the exact share was cut most, at most one more per stratum and part...
        var candidates =
            from s in Enumerable.Range(0, sizes.Count)
            from p in Enumerable.Range(0, shares.Length)
            let cut = sizes[s] * shares[p] - counts[s][p]
            where cut > Epsilon
            orderby cut descending, s, p
            select (Stratum: s, Part: p);
        foreach (var (s, p) in candidates)
        {
            if (left[s] == 0 || missing[p] == 0) continue;
            counts[s][p]++;
            left[s]--;
            missing[p]--;
        }
        // ...and any still left (possible only when the parts short of records were all taken) go to those parts.
        // The totals agree: what strata have left is exactly what parts miss.
        for (var s = 0; s < sizes.Count; s++)
        {
            for (; left[s] > 0; left[s]--)
            {
                var p = Array.FindIndex(missing, m => m > 0);
                counts[s][p]++;
                missing[p]--;
            }
        }
        return counts;
    }

    /// <summary><paramref name="total"/> divided by <paramref name="ratios"/>: floors, then one more to the largest remainders (ties: earlier part).</summary>
    public static int[] LargestRemainder(int total, IReadOnlyList<double> ratios)
    {
        var shares = Normalize(ratios);
        var counts = shares.Select(r => (int)Math.Floor(total * r + Epsilon)).ToArray();
        var order = Enumerable.Range(0, shares.Length).OrderByDescending(p => total * shares[p] - counts[p]).ThenBy(p => p).ToArray();
        for (var i = 0; counts.Sum() < total; i++) counts[order[i % order.Length]]++;
        return counts;
    }

    /// <summary>The ratios scaled to add up to exactly 1, so floating-point sums like 0.8 + 0.1 + 0.1 cannot over-deal.</summary>
    static double[] Normalize(IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        var sum = ratios.Sum();
        if (sum <= 0) throw new ArgumentException("The ratios must add up to more than 0.", nameof(ratios));
        return [.. ratios.Select(r => r / sum)];
    }
}
