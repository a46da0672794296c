using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

public class BatcherTests
{
    private const int Ignored = -100;

    private static TokenizedExample Example(int[] ids, int[] labels) => new(ids, labels);

    [Fact]
    public void Pads_right_to_the_longest_row_with_the_padding_id_and_ignored_labels()
    {
        var batcher = new Batcher(batchSize: 2, paddingId: 7);
        TokenizedExample shorter = Example([1, 10, 11], [Ignored, Ignored, 11]);
        TokenizedExample longer = Example([1, 20, 21, 22, 2], [Ignored, Ignored, 21, 22, 2]);

        PaddedBatch batch = Assert.Single(batcher.Batches([shorter, longer]));

        Assert.Equal((2, 5), (batch.Rows, batch.Columns));
        Assert.Equal([1, 10, 11, 7, 7, 1, 20, 21, 22, 2], batch.InputIds);
        Assert.Equal([Ignored, Ignored, 11, Ignored, Ignored, Ignored, Ignored, 21, 22, 2], batch.Labels);
        Assert.Equal(8, batch.RealTokenCount);
        Assert.Equal(4, batch.PredictedTokenCount);
    }

    [Fact]
    public void A_label_at_position_zero_is_not_counted_as_predicted()
    {
        PaddedBatch batch = Assert.Single(new Batcher(4, 0).Batches([Example([5, 2], [5, 2])]));

        Assert.Equal(1, batch.PredictedTokenCount);
    }

    [Fact]
    public void The_last_batch_holds_the_remainder()
    {
        var examples = Enumerable.Range(0, 5).Select(i => Example([i, 2], [Ignored, 2])).ToList();

        IReadOnlyList<PaddedBatch> batches = new Batcher(batchSize: 2, paddingId: 0).Batches(examples);

        Assert.Equal([2, 2, 1], batches.Select(b => b.Rows));
        Assert.Equal(3, new Batcher(2, 0).BatchCount(5));
    }

    [Fact]
    public void Shuffled_order_is_a_permutation_fixed_by_seed_and_epoch()
    {
        int[] first = Batcher.ShuffledOrder(50, seed: 42, epoch: 1);

        Assert.Equal(first, Batcher.ShuffledOrder(50, seed: 42, epoch: 1));
        Assert.Equal(Enumerable.Range(0, 50), first.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), first);
        Assert.NotEqual(first, Batcher.ShuffledOrder(50, seed: 42, epoch: 2));
        Assert.NotEqual(first, Batcher.ShuffledOrder(50, seed: 43, epoch: 1));
    }

    [Fact]
    public void Shuffled_batches_hold_every_example_once_in_the_shuffled_order()
    {
        // The first input id identifies the example.
        var examples = Enumerable.Range(0, 7).Select(i => Example([100 + i, 2], [Ignored, 2])).ToList();

        IReadOnlyList<PaddedBatch> batches = new Batcher(batchSize: 3, paddingId: 0).ShuffledBatches(examples, seed: 5, epoch: 3);

        IEnumerable<long> firstIds = batches.SelectMany(b => Enumerable.Range(0, b.Rows).Select(r => b.InputIds[r * b.Columns]));
        Assert.Equal(Batcher.ShuffledOrder(7, seed: 5, epoch: 3).Select(i => 100L + i), firstIds);
    }
}
