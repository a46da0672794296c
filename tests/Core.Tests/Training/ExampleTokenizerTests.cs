using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

public class ExampleTokenizerTests
{
    private const int Ignored = -100;
    // Character ids worked out by hand: id = c - ' ' + 4.
    private const int A = 69, B = 70, C = 71, E = 73, F = 74, W = 91, X = 92, Y = 93;
    private const int Bos = CharacterTokenizer.Bos, Eos = CharacterTokenizer.Eos;

    [Fact]
    public void Sequence_is_bos_prompt_completion_eos_with_loss_on_completion_and_eos_only()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(addBos: true), maxLength: 16);

        TokenizedExample example = tokenizer.Tokenize("ab", "c");

        Assert.Equal([Bos, A, B, C, Eos], example.InputIds);
        Assert.Equal([Ignored, Ignored, Ignored, C, Eos], example.Labels);
        Assert.False(example.WasTruncated);
    }

    [Fact]
    public void Without_add_bos_the_sequence_starts_with_the_prompt()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(addBos: false), maxLength: 16);

        TokenizedExample example = tokenizer.Tokenize("ab", "c");

        Assert.Equal([A, B, C, Eos], example.InputIds);
        Assert.Equal([Ignored, Ignored, C, Eos], example.Labels);
    }

    [Fact]
    public void A_sequence_that_exactly_fits_is_not_truncated()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(), maxLength: 5);

        TokenizedExample example = tokenizer.Tokenize("ab", "c");

        Assert.Equal([Bos, A, B, C, Eos], example.InputIds);
        Assert.False(example.WasTruncated);
    }

    [Fact]
    public void Too_long_drops_prompt_tokens_from_the_start_and_keeps_bos_and_the_whole_completion()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(), maxLength: 6);

        TokenizedExample example = tokenizer.Tokenize("abcdef", "xy");

        Assert.Equal([Bos, E, F, X, Y, Eos], example.InputIds);
        Assert.Equal([Ignored, Ignored, Ignored, X, Y, Eos], example.Labels);
        Assert.True(example.WasTruncated);
    }

    [Fact]
    public void A_completion_that_alone_does_not_fit_loses_the_prompt_and_its_end_including_eos()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(), maxLength: 4);

        TokenizedExample example = tokenizer.Tokenize("ab", "wxyz");

        Assert.Equal([Bos, W, X, Y], example.InputIds);
        Assert.Equal([Ignored, W, X, Y], example.Labels);
        Assert.True(example.WasTruncated);
    }

    [Fact]
    public void TokenizeAll_counts_the_truncated_examples()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(), maxLength: 6);

        TokenizedDataset dataset = tokenizer.TokenizeAll([("ab", "c"), ("abcdef", "xy"), ("a", "wxyzwxyz")]);

        Assert.Equal(3, dataset.Examples.Count);
        Assert.Equal(2, dataset.TruncatedCount);
        Assert.All(dataset.Examples, e => Assert.True(e.Length <= 6));
    }

    [Fact]
    public void Padding_id_is_the_pad_token_or_else_eos()
    {
        Assert.Equal(CharacterTokenizer.Pad, new ExampleTokenizer(new CharacterTokenizer(hasPad: true), 8).PaddingId);
        Assert.Equal(Eos, new ExampleTokenizer(new CharacterTokenizer(hasPad: false), 8).PaddingId);
    }

    [Fact]
    public void Train_on_inputs_labels_the_prompt_too_but_never_bos()
    {
        var tokenizer = new ExampleTokenizer(new CharacterTokenizer(), maxLength: 64, trainOnInputs: true);
        TokenizedExample example = tokenizer.Tokenize("ab", "c");
        int[] ids = [CharacterTokenizer.Bos, CharacterTokenizer.Id('a'), CharacterTokenizer.Id('b'), CharacterTokenizer.Id('c'), CharacterTokenizer.Eos];
        Assert.Equal(ids, example.InputIds);
        Assert.Equal([CausalLmLoss.IgnoreIndex, .. ids[1..]], example.Labels);
    }
}
