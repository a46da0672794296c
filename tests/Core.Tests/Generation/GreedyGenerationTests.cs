using TuningService.Core.Generation;

namespace TuningService.Core.Tests.Generation;

/// <summary>Greedy decoding against babyllama's golden tokens, with and without the cache, alone and batched.</summary>
public sealed class GreedyGenerationTests : IDisposable
{
    private readonly BabyLlama baby = new();

    public static TheoryData<int, bool> PromptsAndCache => new() { { 0, true }, { 0, false }, { 1, true }, { 1, false } };

    [Theory]
    [MemberData(nameof(PromptsAndCache))]
    public void Sixty_greedy_tokens_match_golden(int prompt, bool useCache)
    {
        var output = Generate(baby.Prompt(prompt), new GenerationOptions { MaxNewTokens = 60, Temperature = 0, StopTokenIds = [], UseCache = useCache });

        Assert.Equal(baby.GreedyTokens(prompt), output.TokenIds);
        Assert.Equal(baby.TextAfter(baby.Prompt(prompt), baby.GreedyTokens(prompt)), output.Text);
        Assert.Equal(FinishReasons.Length, output.FinishReason);
        Assert.Equal((baby.Prompt(prompt).Length, 60), (output.PromptTokens, output.CompletionTokens));
        Assert.Null(output.Logprobs);
    }

    [Fact]
    public void Completion_text_keeps_the_leading_space_it_has_after_the_prompt()
    {
        // BOS + "Once upon a time" continues with ",", then " there"; "Once upon" continues with " a".
        var onceUpon = baby.Prompt(1)[..^7];
        var output = Generate(onceUpon, new GenerationOptions { MaxNewTokens = 2, Temperature = 0 });

        Assert.Equal([3, 5], output.TokenIds);
        Assert.Equal(" a", output.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_batch_of_prompts_of_different_lengths_equals_each_prompt_alone(bool useCache)
    {
        int[][] prompts = [baby.Prompt(1), baby.Prompt(0), baby.Prompt(1)[..6], baby.Prompt(1)[..11]];
        var options = new GenerationOptions { MaxNewTokens = 40, Temperature = 0, StopTokenIds = [], UseCache = useCache };

        var batch = TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options);

        Assert.Equal(prompts.Length, batch.Count);
        for (var i = 0; i < prompts.Length; i++)
            Outputs.AssertSame(Generate(prompts[i], options), batch[i]);
        Assert.Equal(baby.GreedyTokens(1)[..40], batch[0].TokenIds);
        Assert.Equal(baby.GreedyTokens(0)[..40], batch[1].TokenIds);
    }

    [Fact]
    public void A_model_without_cache_or_padding_support_recomputes_and_batches_by_prompt_length()
    {
        using var plain = new PlainCausalModel(baby.Model);
        int[][] prompts = [baby.Prompt(1), baby.Prompt(0), baby.Prompt(1)[..6], baby.Prompt(0)];
        var options = new GenerationOptions { MaxNewTokens = 30, Temperature = 0, StopTokenIds = [] };

        var outputs = TextGenerator.Generate(plain, baby.Tokenizer, prompts, options);

        Assert.Null(plain.CreateCache());
        Outputs.AssertSame(TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options), outputs);
        Assert.Equal(baby.GreedyTokens(0)[..30], outputs[3].TokenIds);
    }

    [Fact]
    public void Leaves_the_model_in_the_mode_it_found_it()
    {
        baby.Model.train();

        Generate(baby.Prompt(0), new GenerationOptions { MaxNewTokens = 1 });

        Assert.True(baby.Model.training);
    }

    private GenerationOutput Generate(int[] prompt, GenerationOptions options) =>
        Assert.Single(TextGenerator.Generate(baby.Model, baby.Tokenizer, [prompt], options));

    public void Dispose() => baby.Dispose();
}
