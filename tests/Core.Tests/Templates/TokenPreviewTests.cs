using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Templates;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Templates;

/// <summary>TokenPreview shows the trainer's own tokens; expected ids are built from the tokenizer alone.</summary>
public class TokenPreviewTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_causal_example_is_bos_prompt_completion_eos_with_the_loss_on_the_completion(bool trainOnInputs)
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var setup = TrainingSetup.For(loaded, tokenizer, trainOnInputs: trainOnInputs);
        var example = new TrainingExample("Review: a gorgeous film Sentiment:", " positive");

        var preview = TokenPreview.Of(setup, tokenizer, example);

        var prompt = tokenizer.Encode(example.Prompt);
        var completion = tokenizer.Encode(example.Completion);
        Assert.Equal([tokenizer.BosId!.Value, .. prompt, .. completion, tokenizer.EosId!.Value], preview.Tokens.Select(t => t.Id));
        bool[] loss = [false, .. prompt.Select(_ => trainOnInputs), .. completion.Select(_ => true), true];
        Assert.Equal(loss, preview.Tokens.Select(t => t.Loss));
        Assert.Null(preview.EncoderTokens);
        Assert.False(preview.Truncated);
        Assert.Equal(0, preview.UnknownTokens);
        // Token texts read back as the text: the completion's tokens spell " positive" (then EOS).
        Assert.Equal(" positive", string.Concat(preview.Tokens.Skip(1 + prompt.Count).SkipLast(1).Select(t => t.Text)));
    }

    [Fact]
    public void Newlines_are_unknown_to_the_shipped_tokenizer()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var preview = TokenPreview.Of(TrainingSetup.For(loaded, tokenizer), tokenizer, new TrainingExample("Review:\ngood\nSentiment:", " positive"));
        Assert.Equal(2, preview.UnknownTokens);
    }

    [Fact]
    public void A_long_example_is_truncated_as_training_truncates_it()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var preview = TokenPreview.Of(TrainingSetup.For(loaded, tokenizer, maxSeqLength: 16), tokenizer, new TrainingExample("a long long long prompt:", " yes"));
        Assert.True(preview.Truncated);
        Assert.Equal(16, preview.Tokens.Count);
        Assert.Equal(tokenizer.BosId, preview.Tokens[0].Id);
        Assert.Equal([.. tokenizer.Encode(" yes"), tokenizer.EosId!.Value], preview.Tokens.TakeLast(tokenizer.Encode(" yes").Count + 1).Select(t => t.Id));
    }

    [Fact]
    public void An_encoder_decoder_example_reads_the_prompt_and_learns_the_whole_target()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.Fixture("models", "flan-t5-tiny"), CPU);
        var tokenizer = new CharacterTokenizer(addBos: false);
        var preview = TokenPreview.Of(TrainingSetup.For(loaded, tokenizer), tokenizer, new TrainingExample("Q: hi A:", " yo"));
        Assert.Equal([.. "Q: hi A:".Select(CharacterTokenizer.Id), CharacterTokenizer.Eos], preview.EncoderTokens!.Select(t => t.Id));
        Assert.All(preview.EncoderTokens!, t => Assert.False(t.Loss));
        Assert.Equal([.. " yo".Select(CharacterTokenizer.Id), CharacterTokenizer.Eos], preview.Tokens.Select(t => t.Id));
        Assert.All(preview.Tokens, t => Assert.True(t.Loss));
        Assert.Equal("Q: hi A:", string.Concat(preview.EncoderTokens!.SkipLast(1).Select(t => t.Text)));
    }
}
