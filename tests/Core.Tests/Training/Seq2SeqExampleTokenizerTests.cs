using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

public class Seq2SeqExampleTokenizerTests
{
    private const int Eos = CharacterTokenizer.Eos;

    private static int[] Ids(string text) => text.Select(CharacterTokenizer.Id).ToArray();

    [Fact]
    public void Input_is_prompt_eos_and_every_target_token_is_labelled()
    {
        var tokenizer = new Seq2SeqExampleTokenizer(new CharacterTokenizer(), maxInputLength: 32, maxTargetLength: 32);
        TokenizedExample example = tokenizer.Tokenize("abc", " yes");
        Assert.Equal([.. Ids("abc"), Eos], example.InputIds);
        Assert.Equal([.. Ids(" yes"), Eos], example.Labels);
        Assert.False(example.WasTruncated);
    }

    [Fact]
    public void A_long_prompt_loses_its_start_and_a_long_target_its_end()
    {
        var tokenizer = new Seq2SeqExampleTokenizer(new CharacterTokenizer(), maxInputLength: 3, maxTargetLength: 2);
        TokenizedExample example = tokenizer.Tokenize("abcdef", "xyz");
        Assert.Equal([.. Ids("ef"), Eos], example.InputIds);
        Assert.Equal(Ids("xy"), example.Labels); // EOS cut too: the target did not end there
        Assert.True(example.WasTruncated);
    }

    [Fact]
    public void Seq2seq_batches_pad_inputs_and_targets_to_their_own_widths_and_count_every_label()
    {
        var batcher = new Batcher(batchSize: 2, paddingId: 0, labelsAreShifted: false);
        PaddedBatch batch = Assert.Single(batcher.Batches([new TokenizedExample([5, 6, 2], [7, 2]), new TokenizedExample([5, 2], [8, 9, 2])]));
        Assert.Equal((3, 3), (batch.Columns, batch.LabelColumns));
        Assert.Equal([5, 6, 2, 5, 2, 0], batch.InputIds);
        Assert.Equal([1, 1, 1, 1, 1, 0], batch.InputMask);
        Assert.Equal([7, 2, -100, 8, 9, 2], batch.Labels);
        Assert.Equal(5, batch.PredictedTokenCount);
        Assert.Equal(10, batch.RealTokenCount);
    }
}
