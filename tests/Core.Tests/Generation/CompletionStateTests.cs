using TuningService.Core.Generation;

namespace TuningService.Core.Tests.Generation;

/// <summary>Streaming text one token at a time: what is held back and when it is released.</summary>
public sealed class CompletionStateTests
{
    private static readonly ByteTokenizer Bytes = new();

    [Fact]
    public void A_character_split_over_tokens_is_streamed_once_complete()
    {
        var (deltas, output) = Run("x\u00e9y"u8.ToArray().Select(b => (int)b).ToArray(), stops: []);

        Assert.Equal(["x", "", "é", "y"], deltas);
        Assert.Equal("xéy", output.Text);
    }

    [Fact]
    public void Text_that_may_start_a_stop_sequence_is_held_until_it_does_not()
    {
        var (deltas, output) = Run(Ids("xacd"), stops: ["ab"]);

        Assert.Equal(["x", "", "ac", "d"], deltas);
        Assert.Equal((FinishReasons.Length, "xacd"), (output.FinishReason, output.Text));
    }

    [Fact]
    public void A_stop_sequence_ends_the_completion_and_is_cut_from_the_text()
    {
        var (deltas, output) = Run(Ids("xyabz"), stops: ["zz", "ab"]);

        Assert.Equal(["x", "y", "", ""], deltas);
        Assert.Equal((FinishReasons.Stop, "xy"), (output.FinishReason, output.Text));
        Assert.Equal(Ids("xyab"), output.TokenIds);
        Assert.Equal(4, output.CompletionTokens);
    }

    [Fact]
    public void A_stop_token_releases_held_text_and_is_not_part_of_the_output()
    {
        var (deltas, output) = Run([.. Ids("xa"), ByteTokenizer.Eos, 'q'], stops: ["ab"]);

        Assert.Equal(["x", "", "a"], deltas);
        Assert.Equal((FinishReasons.Stop, "xa"), (output.FinishReason, output.Text));
        Assert.Equal(Ids("xa"), output.TokenIds);
        Assert.Equal(3, output.CompletionTokens);
    }

    [Fact]
    public void The_last_token_of_the_budget_releases_held_text()
    {
        var (deltas, output) = Run(Ids("xa"), stops: ["ab"], budget: 2);

        Assert.Equal(["x", "a"], deltas);
        Assert.Equal((FinishReasons.Length, "xa"), (output.FinishReason, output.Text));
    }

    private static int[] Ids(string text) => Bytes.Encode(text).ToArray();

    /// <summary>Feeds tokens until the completion finishes; returns each event's text and the output.</summary>
    private static (string[] Deltas, GenerationOutput Output) Run(int[] tokens, string[] stops, int budget = 100)
    {
        int[] prompt = ['>'];
        var state = new CompletionState(0, prompt, new CompletionText(Bytes, prompt), new HashSet<int> { ByteTokenizer.Eos }, stops, withLogprobs: false);
        var deltas = new List<string>();
        for (var i = 0; i < tokens.Length && !state.Finished; i++)
        {
            var token = state.Add(tokens[i], step: null, row: 0, budgetSpent: i == budget - 1);
            Assert.Equal(tokens[i], token.TokenId);
            Assert.Equal(state.Finished, token.FinishReason is not null);
            deltas.Add(token.TextDelta);
        }
        var output = state.ToOutput();
        Assert.Equal(output.Text, string.Concat(deltas));
        return (deltas.ToArray(), output);
    }
}
