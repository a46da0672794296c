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

    [Theory]
    [InlineData(1003, 16)] // several mega-batches, the last one short
    [InlineData(10, 4)]    // fewer examples than one mega-batch
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
                // padding); neighbours in a sorted mega-batch of hundreds differ by a few tokens.
                Assert.True(grouped < random / 2, $"seed {seed}, epoch {epoch}: grouped {grouped:P1}, random {random:P1}");
            }
        }
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
