namespace TuningService.Core.Training;

/// <summary>
/// An epoch's batches as example indices, each batch holding examples of similar length so that padding to the
/// batch's longest row costs little: the "sortish" order of fastai's SortishSampler and Hugging Face's
/// LengthGroupedSampler. Shuffle all examples, cut the order into mega-batches, sort each mega-batch by length,
/// cut it into batches, then shuffle the batch order. Sorting only inside random mega-batches keeps each epoch's
/// batches different; sorting the whole set would give the same batches every epoch.
/// </summary>
/// <remarks>Written here because TorchSharp's data utilities have no length-grouped sampler.</remarks>
public static class LengthGroupedOrder
{
    /// <summary>The most batches in one mega-batch (Hugging Face's mega_batch_mult).</summary>
    public const int MaxBatchesPerMegaBatch = 50;

    /// <summary>
    /// Every example exactly once, in batches of <paramref name="batchSize"/> (one smaller batch at most, as in
    /// random batching, so the step count is the same), in an order fixed by (seed, epoch).
    /// </summary>
    public static int[][] Batches(IReadOnlyList<TokenizedExample> examples, int batchSize, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Random random = Batcher.EpochRandom(seed, epoch);
        int[] order = Enumerable.Range(0, examples.Count).ToArray();
        random.Shuffle(order);

        // A multiple of the batch size, so only the last mega-batch can leave a short batch. Small sets get about
        // four mega-batches (as in Hugging Face) rather than one sorted whole, which would repeat its batches.
        int megaBatchSize = batchSize * Math.Clamp(examples.Count / (batchSize * 4), 1, MaxBatchesPerMegaBatch);
        int[][] batches = order.Chunk(megaBatchSize)
            .SelectMany(megaBatch => ByLength(megaBatch, examples).Chunk(batchSize))
            .ToArray();
        random.Shuffle(batches);
        return batches;
    }

    /// <summary>
    /// Indices ordered by input length, then label length (a seq2seq target is padded in its own columns). The
    /// sort is stable, so ties keep their given order and the result replays.
    /// </summary>
    public static IEnumerable<int> ByLength(IEnumerable<int> indices, IReadOnlyList<TokenizedExample> examples) =>
        indices.OrderBy(i => examples[i].Length).ThenBy(i => examples[i].Labels.Length);
}
