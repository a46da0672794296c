using TuningService.Core.Generation;

namespace TuningService.Core.Tests.Generation;

internal static class Outputs
{
    /// <summary>Same tokens, text, finish reason, logprobs and usage (records compare lists by reference).</summary>
    public static void AssertSame(GenerationOutput expected, GenerationOutput actual)
    {
        Assert.Equal(expected.TokenIds, actual.TokenIds);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal((expected.PromptTokens, expected.CompletionTokens), (actual.PromptTokens, actual.CompletionTokens));
        Assert.Equal(expected.Logprobs is null, actual.Logprobs is null);
    }

    public static void AssertSame(IReadOnlyList<GenerationOutput> expected, IReadOnlyList<GenerationOutput> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            AssertSame(expected[i], actual[i]);
    }
}
