namespace TuningService.Core.Datasets;

/// <summary>
/// Divides whole records between parts in given ratios, for several strata at once: each part's total is its
/// share of all records rounded by the largest-remainder method, and every stratum's count in every part is
/// within one record of its exact share wherever those totals allow it (see <see cref="RoundingTable"/>). Rounding each stratum alone would not do: with many small strata
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
        var targets = LargestRemainder(sizes.Sum(), ratios);
        var floors = sizes.Select(n => shares.Select(r => (int)Math.Floor(n * r + Epsilon)).ToArray()).ToArray();
        var cut = sizes.Select((n, s) => shares.Select((r, p) => n * r - floors[s][p]).ToArray()).ToArray();
        var table = new RoundingTable(
            left: [.. sizes.Select((n, s) => n - floors[s].Sum())],
            missing: [.. Enumerable.Range(0, shares.Length).Select(p => targets[p] - floors.Sum(f => f[p]))],
            canRoundUp: (s, p) => cut[s][p] > Epsilon);

        // Leftover records go first where the exact share was cut most...
        var byCut =
            from s in Enumerable.Range(0, sizes.Count)
            from p in Enumerable.Range(0, shares.Length)
            orderby cut[s][p] descending, s, p
            select (Stratum: s, Part: p);
        foreach (var (s, p) in byCut) table.TryRoundUp(s, p);
        // ...then, for any still left, a chain of moves makes room (see RoundingTable.Place).
        for (var s = 0; s < sizes.Count; s++) table.PlaceRemaining(s);
        return [.. floors.Select((f, s) => f.Select((count, p) => count + (table.IsRoundedUp(s, p) ? 1 : 0) + table.Forced(s, p)).ToArray())];
    }

    /// <summary><paramref name="total"/> divided by <paramref name="ratios"/>: floors, then one more to the largest remainders (ties: earlier part).</summary>
    public static int[] LargestRemainder(int total, IReadOnlyList<double> ratios)
    {
        var shares = Normalize(ratios);
        var counts = shares.Select(r => (int)Math.Floor(total * r + Epsilon)).ToArray();
        // Remainders are compared rounded, so that float noise (0.5 vs 0.49999999999999994) cannot break a tie that the
        // ratios make exact; true ties go to the earlier part.
        var order = Enumerable.Range(0, shares.Length).OrderByDescending(p => Math.Round(total * shares[p] - counts[p], 9)).ThenBy(p => p).ToArray();
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
