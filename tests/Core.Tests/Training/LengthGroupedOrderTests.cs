using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

public class LengthGroupedOrderTests
{
    private const int Ignored = -100;

    /// <summary>Causal examples whose input lengths are drawn uniformly from <paramref name="min"/>..<paramref name="max"/>.</summary>
    private static List<TokenizedExample> MixedLengths(int count, int min, int max, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int length = random.Next(min, max + 1);
            int[] ids = Enumerable.Repeat(5, length).ToArray();
            int[] labels = Enumerable.Repeat(Ignored, length - 1).Append(5).ToArray();
            return new TokenizedExample(ids, labels);
        }).ToList();
    }

    /// <summary>
    /// Lengths shaped like the T0 mix's Llama-2 token counts (median about 101, long right tail, nothing above 817):
    /// log-normal around 101 with σ 1.06, drawn again when outside 15..817 so that the tail thins out instead of
    /// piling up at the cap.
    /// </summary>
    private static int[] LongTailedLengths(int count, int seed)
    {
        var random = new Random(seed);
        var lengths = new int[count];
        for (int i = 0; i < count; i++)
        {
            do
            {
                // Box–Muller: a standard normal from two uniforms (System.Random has no normal draw).
                double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                lengths[i] = (int)Math.Round(Math.Exp(Math.Log(101) + (1.06 * normal)));
            }
            while (lengths[i] is < 15 or > 817);
        }
        return lengths;
    }

    private static int[][] SortedBatches(int[] lengths, int batchSize) =>
        Enumerable.Range(0, lengths.Length).OrderBy(i => lengths[i]).Chunk(batchSize).ToArray();

    private static List<TokenizedExample> Causal(int[] lengths) =>
        lengths.Select(length => new TokenizedExample(Enumerable.Repeat(5, length).ToArray(), Enumerable.Repeat(5, length).ToArray())).ToList();

    [Theory]
    [InlineData(1003, 16)] // the last batch short
    [InlineData(10, 4)]    // a handful of examples
    [InlineData(3, 8)]     // fewer examples than one batch
    public void Every_example_comes_once_per_epoch_in_full_batches_but_one(int count, int batchSize)
    {
        List<TokenizedExample> examples = MixedLengths(count, 5, 200, seed: 1);

        int[][] batches = LengthGroupedOrder.Batches(examples, batchSize, seed: 42, epoch: 1);

        Assert.Equal(Enumerable.Range(0, count), batches.SelectMany(b => b).Order());
        Assert.Equal((count + batchSize - 1) / batchSize, batches.Length);
        Assert.True(batches.Count(b => b.Length != batchSize) <= 1, string.Join(",", batches.Select(b => b.Length)));
        Assert.All(batches, b => Assert.InRange(b.Length, 1, batchSize));
    }

    [Fact]
    public void The_same_seed_and_epoch_replay_the_same_batches_and_another_seed_does_not()
    {
        List<TokenizedExample> examples = MixedLengths(500, 5, 200, seed: 2);

        int[][] first = LengthGroupedOrder.Batches(examples, 8, seed: 42, epoch: 1);

        Assert.Equal(first, LengthGroupedOrder.Batches(examples, 8, seed: 42, epoch: 1));
        Assert.NotEqual(first, LengthGroupedOrder.Batches(examples, 8, seed: 43, epoch: 1));
    }

    [Fact]
    public void Each_epoch_groups_the_examples_differently()
    {
        List<TokenizedExample> examples = MixedLengths(500, 5, 200, seed: 3);

        // Not only another batch order: other batches. A batch is compared as the set of examples it holds.
        HashSet<string> Groups(int epoch) => LengthGroupedOrder.Batches(examples, 8, seed: 42, epoch)
            .Select(b => string.Join(",", b.Order())).ToHashSet();

        HashSet<string> first = Groups(1), second = Groups(2);
        Assert.True(first.Intersect(second).Count() < first.Count / 2, $"{first.Intersect(second).Count()} of {first.Count} batches repeat");
    }

    [Fact]
    public void Batches_are_not_served_shortest_first()
    {
        List<TokenizedExample> examples = MixedLengths(1000, 5, 200, seed: 4);

        int[] longest = LengthGroupedOrder.Batches(examples, 8, seed: 42, epoch: 1)
            .Select(b => b.Max(i => examples[i].Length)).ToArray();

        Assert.NotEqual(longest.Order(), longest);
        Assert.NotEqual(longest.OrderDescending(), longest);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void Length_grouped_batches_pad_far_less_than_random_batches_of_mixed_lengths(int batchSize)
    {
        var batcher = new Batcher(batchSize, paddingId: 0);
        for (int seed = 1; seed <= 3; seed++)
        {
            List<TokenizedExample> examples = MixedLengths(2000, 5, 200, seed);
            for (int epoch = 1; epoch <= 2; epoch++)
            {
                double random = PaddedBatch.PaddingShare(batcher.ShuffledBatches(examples, seed, epoch));
                double grouped = PaddedBatch.PaddingShare(batcher.LengthGroupedBatches(examples, seed, epoch));

                // Random batches of lengths 5..200 pad to a maximum near 190 against a mean near 100 (roughly 40%
                // padding); about ten examples share each length, so neighbours in the sort differ by a few tokens.
                Assert.True(grouped < random / 2, $"seed {seed}, epoch {epoch}: grouped {grouped:P1}, random {random:P1}");
            }
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void A_long_tailed_set_pads_at_most_five_percent_per_epoch(int batchSize)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            int[] lengths = LongTailedLengths(6000, seed);
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                int[][] batches = LengthGroupedOrder.Batches(Causal(lengths), batchSize, seed: 42, epoch);

                // Issue 7's target. The data leaves room for it: sorted once, the same lengths pad 0.3% (batch 8)
                // to 1.3% (batch 32); random batches about 75%. The Hugging Face mega-batch order used before
                // padded 6.5% here at batch 32 and 5.3% at batch 16 (seed 1, epoch 1).
                double share = GroupingMeasures.PaddingShare(batches, lengths);
                Assert.True(share <= 0.05, $"seed {seed}, epoch {epoch}: {share:P2} padding (sorted: {GroupingMeasures.PaddingShare(SortedBatches(lengths, batchSize), lengths):P2})");
            }
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void A_long_tailed_set_is_grouped_afresh_each_epoch(int batchSize)
    {
        int[] lengths = LongTailedLengths(6000, seed: 1);
        List<TokenizedExample> examples = Causal(lengths);

        for (int epoch = 2; epoch <= 3; epoch++)
        {
            int[][] previous = LengthGroupedOrder.Batches(examples, batchSize, seed: 42, epoch - 1);
            int[][] next = LengthGroupedOrder.Batches(examples, batchSize, seed: 42, epoch);

            // Sorting the whole set repeats every batch and pair; sorting it with ties broken at random still
            // repeats 6-7% of the batches (the sparse tail) and 34% (batch 8) to 64% (batch 32) of the pairs.
            double batches = GroupingMeasures.RepeatedBatches(previous, next), pairs = GroupingMeasures.RepeatedPairs(previous, next);
            string repeats = $"epoch {epoch}: {batches:P1} of the batches repeat, {pairs:P1} of the pairs sharing a batch shared one the epoch before";
            Assert.True(batches < 0.02, repeats);
            Assert.True(pairs < 0.30, repeats);
        }
    }

    [Theory]
    [InlineData(1003, 16, 1)]
    [InlineData(1003, 16, 4)]
    [InlineData(6000, 32, 3)]
    [InlineData(7, 8, 2)]
    public void The_batches_make_as_many_steps_as_the_dry_run_counts(int count, int batchSize, int accumulation)
    {
        var options = new TrainingOptions { BatchSize = batchSize, GradientAccumulationSteps = accumulation };

        int batches = LengthGroupedOrder.Batches(MixedLengths(count, 5, 200, seed: 5), batchSize, seed: 42, epoch: 2).Length;

        Assert.Equal(options.StepsPerEpoch(count), (batches + accumulation - 1) / accumulation);
    }

    [Fact]
    public void Ties_in_input_length_are_ordered_by_target_length()
    {
        TokenizedExample[] examples =
        [
            new([5, 6, 2], [7, 8, 9, 2]),
            new([5, 2], [7, 2]),
            new([5, 6, 2], [7, 2]),
            new([5, 2], [7, 8, 2]),
        ];

        Assert.Equal([1, 3, 2, 0], LengthGroupedOrder.ByLength([0, 1, 2, 3], examples));
    }
}
