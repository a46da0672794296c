namespace TuningService.Bench;

/// <summary>
/// How much of one epoch's grouping the next epoch repeats: the randomness a length-grouped order keeps. Sorting
/// the whole set repeats everything (100% of batches and pairs); random batches repeat next to nothing.
/// </summary>
public static class BatchRepeats
{
    /// <summary>Share of <paramref name="next"/>'s batches that hold exactly the examples of a batch of <paramref name="previous"/>.</summary>
    public static double Batches(int[][] previous, int[][] next)
    {
        var earlier = previous.Select(Key).ToHashSet();
        return next.Length == 0 ? 0 : (double)next.Count(b => earlier.Contains(Key(b))) / next.Length;
    }

    /// <summary>Share of the pairs of examples sharing a batch in <paramref name="next"/> that shared one in <paramref name="previous"/> too.</summary>
    public static double Pairs(int[][] previous, int[][] next)
    {
        var batchOf = new Dictionary<int, int>();
        for (int b = 0; b < previous.Length; b++)
        {
            foreach (int i in previous[b]) batchOf[i] = b;
        }
        long pairs = 0, repeated = 0;
        foreach (int[] batch in next)
        {
            for (int x = 0; x < batch.Length; x++)
            {
                for (int y = x + 1; y < batch.Length; y++)
                {
                    pairs++;
                    if (batchOf[batch[x]] == batchOf[batch[y]]) repeated++;
                }
            }
        }
        return pairs == 0 ? 0 : (double)repeated / pairs;
    }

    private static string Key(int[] batch) => string.Join(",", batch.Order());
}
