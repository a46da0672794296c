using TuningService.Core.Generation;

namespace TuningService.Core.Tests.Generation;

/// <summary>Temperature, top-k, top-p and seeds on babyllama.</summary>
public sealed class SamplingTests : IDisposable
{
    private readonly BabyLlama baby = new();

    [Fact]
    public void The_same_seed_reproduces_a_batch_exactly_and_another_seed_does_not()
    {
        int[][] prompts = [baby.Prompt(0), baby.Prompt(1), baby.Prompt(0)];
        var options = new GenerationOptions { MaxNewTokens = 40, Temperature = 1.0, TopP = 0.95, TopK = 50, Seed = 1234, StopTokenIds = [] };

        var first = TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options);
        var again = TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options);
        var otherSeed = TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options with { Seed = 4321 });

        Outputs.AssertSame(first, again);
        Assert.NotEqual(first[0].TokenIds, otherSeed[0].TokenIds);
        // Rows draw different numbers from the one generator: equal prompts do not give equal samples.
        Assert.NotEqual(first[0].TokenIds, first[2].TokenIds);
        // At temperature 1 a 40-token sample of this model is not its greedy continuation.
        Assert.NotEqual(baby.GreedyTokens(0)[..40], first[0].TokenIds);
    }

    [Fact]
    public void Top_k_of_one_is_greedy()
    {
        var output = Generate(1, new GenerationOptions { MaxNewTokens = 60, Temperature = 1.5, TopK = 1, Seed = 7, StopTokenIds = [] });

        Assert.Equal(baby.GreedyTokens(1), output.TokenIds);
    }

    [Fact]
    public void A_tiny_top_p_keeps_only_the_most_likely_token_so_it_is_greedy()
    {
        var output = Generate(0, new GenerationOptions { MaxNewTokens = 60, Temperature = 1.5, TopP = 1e-6, Seed = 7, StopTokenIds = [] });

        Assert.Equal(baby.GreedyTokens(0), output.TokenIds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(99L)]
    public void Temperature_zero_is_greedy_whatever_the_other_sampling_options(long? seed)
    {
        var output = Generate(1, new GenerationOptions { MaxNewTokens = 60, Temperature = 0, TopP = 0.5, TopK = 3, Seed = seed, StopTokenIds = [] });

        Assert.Equal(baby.GreedyTokens(1), output.TokenIds);
    }

    private GenerationOutput Generate(int prompt, GenerationOptions options) =>
        Assert.Single(TextGenerator.Generate(baby.Model, baby.Tokenizer, [baby.Prompt(prompt)], options));

    public void Dispose() => baby.Dispose();
}
