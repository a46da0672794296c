namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// Token-count histograms with fixed power-of-two edges: [0, 1), [1, 2), [2, 4), [4, 8), … up to the first edge
/// above the largest value. Fixed edges, unlike edges fitted to each file, make two files (or two models' counts
/// of one file) comparable bucket by bucket, and doubling widths suit lengths that spread over orders of magnitude.
/// </summary>
public static class LengthHistogram
{
    /// <summary>The buckets from [0, 1) to the one holding the largest value, empty ones included; none for no values.</summary>
    public static IReadOnlyList<HistogramBucket> PowersOfTwo(IReadOnlyCollection<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return [];
        if (values.Any(v => v < 0)) throw new ArgumentException("Token counts cannot be negative.", nameof(values));
        var edges = Edges(values.Max());
        var counts = new int[edges.Count - 1];
        foreach (var value in values)
            counts[BucketOf(value)]++;
        return [.. counts.Select((count, i) => new HistogramBucket(edges[i], edges[i + 1], count))];
    }

    /// <summary>0, 1, 2, 4, … through the first power of two above <paramref name="max"/>.</summary>
    static List<int> Edges(int max)
    {
        List<int> edges = [0, 1];
        while (edges[^1] <= max)
            edges.Add(checked(edges[^1] * 2));
        return edges;
    }

    /// <summary>0 holds 0; bucket k (k >= 1) holds [2^(k-1), 2^k).</summary>
    static int BucketOf(int value) => value == 0 ? 0 : 1 + System.Numerics.BitOperations.Log2((uint)value);
}
