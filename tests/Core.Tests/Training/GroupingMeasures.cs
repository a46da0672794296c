namespace TuningService.Core.Tests.Training;

/// <summary>
/// Measures of an epoch's batches (example indices) computed from the lengths alone, so that tests of a batching
/// order do not take their figures from the code under test (Batcher, PaddedBatch).
/// </summary>
internal static class GroupingMeasures
{
    /// <summary>Padded positions over all positions, each batch padded to its longest row (computed here, not by PaddedBatch).</summary>
    public static double PaddingShare(int[][] batches, int[] lengths)
    {
        long real = 0, positions = 0;
        foreach (int[] batch in batches)
        {
            real += batch.Sum(i => (long)lengths[i]);
            positions += (long)batch.Length * batch.Max(i => lengths[i]);
        }
        return 1 - ((double)real / positions);
    }

    /// <summary>Share of <paramref name="next"/>'s batches that hold exactly the examples of a batch of <paramref name="previous"/>.</summary>
    public static double RepeatedBatches(int[][] previous, int[][] next)
    {
        HashSet<string> earlier = previous.Select(b => string.Join(",", b.Order())).ToHashSet();
        return (double)next.Count(b => earlier.Contains(string.Join(",", b.Order()))) / next.Length;
    }

    /// <summary>Share of the pairs of examples sharing a batch in <paramref name="next"/> that shared one in <paramref name="previous"/>.</summary>
    public static double RepeatedPairs(int[][] previous, int[][] next)
    {
        var batchOf = new Dictionary<int, int>();
        for (int b = 0; b < previous.Length; b++)
        {
            foreach (int i in previous[b])
            {
                batchOf[i] = b;
            }
        }
        long pairs = 0, repeated = 0;
        foreach (int[] batch in next)
        {
            for (int x = 0; x < batch.Length; x++)
            {
                for (int y = x + 1; y < batch.Length; y++)
                {
                    pairs++;
                    repeated += batchOf[batch[x]] == batchOf[batch[y]] ? 1 : 0;
                }
            }
        }
        return (double)repeated / pairs;
    }
}
