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
        if (values.Any(v => v < 0)) throw new ArgumentException("Token counts cannot be negative.", nameof(values));
        return FromOccurrences(values.Select(v => (v, 1L)));
    }

    /// <summary>The same buckets from each distinct value and how often it occurs (<see cref="TokenCountAccumulator"/>).</summary>
    public static IReadOnlyList<HistogramBucket> FromOccurrences(IEnumerable<(int Value, long Occurrences)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToList();
        if (list.Count == 0) return [];
        if (list.Any(v => v.Value < 0)) throw new ArgumentException("Token counts cannot be negative.", nameof(values));
        var edges = Edges(list.Max(v => v.Value));
        var counts = new long[edges.Count - 1];
        foreach (var (value, occurrences) in list)
            counts[BucketOf(value)] += occurrences;
        return [.. counts.Select((count, i) => new HistogramBucket(edges[i], edges[i + 1], checked((int)count)))];
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
