using TuningService.Core.Training;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

public sealed class SequencePackerTests
{
    private static TokenizedExample Example(int length, int firstId = 10) =>
        new(Enumerable.Range(firstId, length).ToArray(), Enumerable.Range(firstId, length).Select((id, t) => t == 0 ? CausalLmLoss.IgnoreIndex : id).ToArray());

    private static List<TokenizedExample> Mixed() =>
        [.. new[] { 5, 9, 3, 12, 7, 2, 8, 4, 6, 10, 1, 11 }.Select(n => Example(n))];

    [Fact]
    public void Rows_hold_whole_examples_each_once_within_the_row_length()
    {
        var examples = Mixed();
        var packer = new SequencePacker(rowLength: 16, rowsPerBatch: 2, paddingId: 0);
        var rows = packer.Rows(examples, Batcher.ShuffledOrder(examples.Count, seed: 3, epoch: 1));

        Assert.Equal(Enumerable.Range(0, examples.Count), rows.SelectMany(r => r).Order());
        Assert.All(rows, row => Assert.True(row.Sum(i => examples[i].Length) <= 16));
        // Next-fit: a row was closed only because the next example did not fit in it.
        for (var r = 0; r + 1 < rows.Count; r++)
            Assert.True(rows[r].Sum(i => examples[i].Length) + examples[rows[r + 1][0]].Length > 16);
        Assert.True(rows.Count < examples.Count);
    }

    [Fact]
    public void Batches_replay_under_the_same_seed_and_epoch_and_change_with_the_epoch()
    {
        var examples = Mixed();
        var packer = new SequencePacker(16, 2, 0);
        string Key(IReadOnlyList<PaddedBatch> batches) => string.Join("|", batches.Select(b => string.Join(",", b.InputIds)));

        Assert.Equal(Key(packer.PackedBatches(examples, 7, 1)), Key(packer.PackedBatches(examples, 7, 1)));
        Assert.NotEqual(Key(packer.PackedBatches(examples, 7, 1)), Key(packer.PackedBatches(examples, 7, 2)));
    }

    [Fact]
    public void A_batch_carries_segment_ids_padding_and_counts()
    {
        var packer = new SequencePacker(16, 2, paddingId: 0);
        var batch = packer.Pad([[Example(3, 10), Example(2, 20)], [Example(4, 30)]]);

        Assert.Equal((2, 5), (batch.Rows, batch.Columns));
        Assert.Equal(new long[] { 10, 11, 12, 20, 21, 30, 31, 32, 33, 0 }, batch.InputIds);
        Assert.Equal(new long[] { 1, 1, 1, 2, 2, 1, 1, 1, 1, 0 }, batch.SegmentIds);
        Assert.Equal(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, batch.InputMask);
        Assert.Equal(new long[] { -100, 11, 12, -100, 21, -100, 31, 32, 33, -100 }, batch.Labels);
        Assert.Equal((9, 6, 10), (batch.RealTokenCount, batch.PredictedTokenCount, batch.PositionCount));
    }

    [Fact]
    public void The_tokenizer_already_leaves_the_first_token_of_each_example_unlabelled()
    {
        // BOS (and a masked prompt) carry -100, so a packed example's first token is never predicted from the example before it.
        foreach (var tokenizer in new[] { new ExampleTokenizer(Tokenizer, 32), new ExampleTokenizer(Tokenizer, 32, trainOnInputs: true),
                     new ExampleTokenizer(new CharacterTokenizer(addBos: false), 32) })
            Assert.All(tokenizer.TokenizeAll(Fruit).Examples, e => Assert.Equal(CausalLmLoss.IgnoreIndex, e.Labels[0]));
    }

    [Fact]
    public void The_packer_unlabels_a_first_token_that_has_a_label()
    {
        // Without BOS and with the loss on the prompt, the first label is real: alone it is never predicted (nothing
        // precedes it), packed it would be predicted from the previous example, so the packer drops it.
        var examples = new ExampleTokenizer(new CharacterTokenizer(addBos: false), 32, trainOnInputs: true).TokenizeAll(Fruit[..2]).Examples;
        Assert.NotEqual(CausalLmLoss.IgnoreIndex, examples[1].Labels[0]);
        var batch = new SequencePacker(32, 1, 0).Pad([[examples[0], examples[1]]]);

        Assert.Equal(CausalLmLoss.IgnoreIndex, batch.Labels[examples[0].Length]);
        Assert.Equal(new Batcher(2, 0).Batches(examples).Single().PredictedTokenCount, batch.PredictedTokenCount);
    }
}
