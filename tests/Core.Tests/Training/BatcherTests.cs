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

    [Fact]
    public void Length_grouped_batches_pad_the_examples_of_the_length_grouped_order()
    {
        // The first input id identifies the example; lengths vary so that the grouping has something to sort.
        var examples = Enumerable.Range(0, 40).Select(i => Example([100 + i, .. Enumerable.Repeat(3, i % 9)], [Ignored, .. Enumerable.Repeat(3, i % 9)])).ToList();

        IReadOnlyList<PaddedBatch> batches = new Batcher(batchSize: 4, paddingId: 0).LengthGroupedBatches(examples, seed: 5, epoch: 2);

        int[][] expected = LengthGroupedOrder.Batches(examples, batchSize: 4, seed: 5, epoch: 2);
        Assert.Equal(expected.Select(b => b.Length), batches.Select(b => b.Rows));
        Assert.Equal(expected.SelectMany(b => b).Select(i => 100L + i),
            batches.SelectMany(b => Enumerable.Range(0, b.Rows).Select(r => b.InputIds[r * b.Columns])));
    }

    [Fact]
    public void Padding_share_is_padded_input_positions_over_all_input_positions()
    {
        // Lengths 2 and 5 pad to 5 (3 padded of 10); lengths 3 and 4 pad to 4 (1 padded of 8).
        TokenizedExample[] examples =
        [
            Example([1, 2], [Ignored, 2]), Example([1, 3, 3, 3, 2], [Ignored, 3, 3, 3, 2]),
            Example([1, 3, 2], [Ignored, 3, 2]), Example([1, 3, 3, 2], [Ignored, 3, 3, 2]),
        ];

        IReadOnlyList<PaddedBatch> batches = new Batcher(batchSize: 2, paddingId: 0).Batches(examples);

        Assert.Equal([(10, 3), (8, 1)], batches.Select(b => (b.PositionCount, b.PaddingCount)));
        Assert.Equal(4.0 / 18, PaddedBatch.PaddingShare(batches), precision: 12);
    }

    [Fact]
    public void Seq2seq_padding_share_counts_target_positions_too()
    {
        // Inputs of 4 and 2 pad to 4 (2 padded of 8); targets of 2 and 3 pad to 3 (1 padded of 6).
        var batcher = new Batcher(batchSize: 2, paddingId: 0, labelsAreShifted: false);

        PaddedBatch batch = Assert.Single(batcher.Batches([Example([5, 6, 7, 2], [7, 2]), Example([5, 2], [8, 9, 2])]));

        Assert.Equal((14, 3), (batch.PositionCount, batch.PaddingCount));
        Assert.Equal(3.0 / 14, PaddedBatch.PaddingShare([batch]), precision: 12);
    }

    [Fact]
    public void No_batches_have_no_padding()
    {
        Assert.Equal(0, PaddedBatch.PaddingShare([]));
    }

    [Fact]
    public void Length_sorted_batches_put_neighbouring_lengths_together()
    {
        // Lengths 5, 2, 4, 3: sorted, the batches are (2, 3) and (4, 5), 1 padded position each of 6 and 10.
        TokenizedExample[] examples =
        [
            Example([1, 3, 3, 3, 2], [Ignored, 3, 3, 3, 2]), Example([1, 2], [Ignored, 2]),
            Example([1, 3, 3, 2], [Ignored, 3, 3, 2]), Example([1, 3, 2], [Ignored, 3, 2]),
        ];

        IReadOnlyList<PaddedBatch> batches = new Batcher(batchSize: 2, paddingId: 0).LengthSortedBatches(examples);

        Assert.Equal([(2, 3), (2, 5)], batches.Select(b => (b.Rows, b.Columns)));
        Assert.Equal(2.0 / 16, PaddedBatch.PaddingShare(batches), precision: 12);
    }
}
