using TuningService.Core.Generation;

namespace TuningService.Core.Tests.Generation;

/// <summary>Bad requests fail up front with an ArgumentException (the API answers 400).</summary>
public sealed class GenerationArgumentTests : IDisposable
{
    private readonly BabyLlama baby = new();

    [Fact]
    public void A_prompt_plus_the_token_budget_must_fit_the_context()
    {
        var prompt = baby.Prompt(1); // 18 tokens; max_position_embeddings 256

        var error = Assert.ThrowsAny<ArgumentException>(() => Generate([prompt], new GenerationOptions { MaxNewTokens = 239 }));

        Assert.Contains("256", error.Message, StringComparison.Ordinal);
        Assert.Contains("18", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<GenerationOptions> BadOptions => new()
    {
        new GenerationOptions { MaxNewTokens = -1 },
        new GenerationOptions { Temperature = -0.1 },
        new GenerationOptions { Temperature = double.NaN },
        new GenerationOptions { TopP = 0 },
        new GenerationOptions { TopP = 1.01 },
        new GenerationOptions { TopK = 0 },
        new GenerationOptions { Logprobs = -1 },
        new GenerationOptions { Logprobs = 106 },
        new GenerationOptions { StopSequences = [""] },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Out_of_range_options_are_refused(GenerationOptions options) =>
        Assert.ThrowsAny<ArgumentException>(() => Generate([baby.Prompt(0)], options));

    [Fact]
    public void Prompts_must_be_present_non_empty_and_inside_the_vocabulary()
    {
        Assert.ThrowsAny<ArgumentException>(() => Generate([], new GenerationOptions()));
        Assert.ThrowsAny<ArgumentException>(() => Generate([baby.Prompt(0), []], new GenerationOptions()));
        Assert.ThrowsAny<ArgumentException>(() => Generate([[1, 105]], new GenerationOptions()));
        Assert.ThrowsAny<ArgumentException>(() => Generate([[1, -1]], new GenerationOptions()));
    }

    private IReadOnlyList<GenerationOutput> Generate(int[][] prompts, GenerationOptions options) =>
        TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options);

    public void Dispose() => baby.Dispose();
}
