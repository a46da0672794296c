using TuningService.Core.Generation;

namespace TuningService.Core.Tests.Generation;

/// <summary>Stop sequences, stop tokens and streamed events on babyllama's golden greedy continuation.</summary>
public sealed class StopAndStreamingTests : IDisposable
{
    private readonly BabyLlama baby = new();

    // Golden prompt 1 ("Once upon a time") continues ", there was a little girl named Lily. She ...".
    private int[] Prompt => baby.Prompt(1);
    private int[] Golden => baby.GreedyTokens(1);

    [Fact]
    public void A_stop_sequence_cuts_the_text_before_it_and_ends_at_the_token_that_completed_it()
    {
        var tokensToLily = ShortestGoldenPrefixWhoseTextContains("Lily");
        var fullText = baby.TextAfter(Prompt, tokensToLily);

        var (output, events) = Generate(new GenerationOptions { MaxNewTokens = 60, Temperature = 0, StopSequences = ["Lily"] });

        Assert.Equal(FinishReasons.Stop, output.FinishReason);
        Assert.Equal(fullText[..fullText.IndexOf("Lily", StringComparison.Ordinal)], output.Text);
        Assert.EndsWith("named ", output.Text, StringComparison.Ordinal);
        Assert.Equal(tokensToLily, output.TokenIds);
        Assert.Equal(tokensToLily.Length, output.CompletionTokens);
        AssertStreamedExactly(output, events);
    }

    [Fact]
    public void The_earliest_stop_sequence_wins()
    {
        var (output, _) = Generate(new GenerationOptions { MaxNewTokens = 60, Temperature = 0, StopSequences = ["named", "little", "xyz"] });

        Assert.Equal(", there was a ", output.Text);
        Assert.Equal(FinishReasons.Stop, output.FinishReason);
    }

    [Fact]
    public void A_stop_token_ends_the_completion_without_being_part_of_it()
    {
        var stop = Golden[5];
        var before = Array.IndexOf(Golden, stop);

        var (output, events) = Generate(new GenerationOptions { MaxNewTokens = 60, Temperature = 0, StopTokenIds = [stop], Logprobs = 1 });

        Assert.Equal(Golden[..before], output.TokenIds);
        Assert.Equal((FinishReasons.Stop, before + 1), (output.FinishReason, output.CompletionTokens));
        Assert.Equal(before, output.Logprobs!.Count);
        Assert.Equal(stop, events[^1].TokenId);
        Assert.Null(events[^1].Logprob);
        AssertStreamedExactly(output, events);
    }

    [Fact]
    public void Any_of_several_stop_tokens_ends_the_completion_at_the_first_one_produced()
    {
        // As generation_config.json's eos_token_id [end-of-turn, end-of-text]: a later id first in the list, an earlier second.
        var later = Golden[9];
        var earlier = Golden[4];
        var before = Math.Min(Array.IndexOf(Golden, later), Array.IndexOf(Golden, earlier));

        var (output, events) = Generate(new GenerationOptions { MaxNewTokens = 60, Temperature = 0, StopTokenIds = [later, earlier] });

        Assert.Equal(Golden[..before], output.TokenIds);
        Assert.Equal(FinishReasons.Stop, output.FinishReason);
        Assert.Equal(Golden[before], events[^1].TokenId);
        AssertStreamedExactly(output, events);
    }

    [Fact]
    public void Without_stop_token_ids_the_tokenizer_eos_stops()
    {
        // Make "," the EOS: the golden continuation starts with it.
        var tokenizer = new TokenizerWithEos(baby.Tokenizer, Golden[0]);

        var output = Assert.Single(TextGenerator.Generate(baby.Model, tokenizer, [Prompt], new GenerationOptions { MaxNewTokens = 10, Temperature = 0 }));

        Assert.Empty(output.TokenIds);
        Assert.Equal((FinishReasons.Stop, 1, ""), (output.FinishReason, output.CompletionTokens, output.Text));
    }

    [Fact]
    public void Every_token_is_streamed_with_its_prompt_index_and_the_text_adds_up()
    {
        int[][] prompts = [baby.Prompt(0), Prompt];
        var events = new List<(int Prompt, GeneratedToken Token)>();
        var options = new GenerationOptions { MaxNewTokens = 50, Temperature = 0, StopTokenIds = [], StopSequences = ["Once"] };

        var outputs = TextGenerator.Generate(baby.Model, baby.Tokenizer, prompts, options, (i, token) => events.Add((i, token)));

        for (var i = 0; i < prompts.Length; i++)
            AssertStreamedExactly(outputs[i], events.Where(e => e.Prompt == i).Select(e => e.Token).ToList());
        // From BOS alone the model writes "Once ..." ("▁", "O", "n", "c", "e": 5 tokens); the other row goes on.
        Assert.Equal(("", FinishReasons.Stop, 5), (outputs[0].Text, outputs[0].FinishReason, outputs[0].CompletionTokens));
        Assert.Equal((baby.TextAfter(Prompt, Golden[..50]), FinishReasons.Length), (outputs[1].Text, outputs[1].FinishReason));
    }

    [Fact]
    public void No_new_tokens_gives_an_empty_completion_without_events()
    {
        var (output, events) = Generate(new GenerationOptions { MaxNewTokens = 0 });

        Assert.Empty(events);
        Assert.Equal(("", FinishReasons.Length, 0), (output.Text, output.FinishReason, output.CompletionTokens));
    }

    [Fact]
    public void Cancelling_stops_between_tokens()
    {
        using var cts = new CancellationTokenSource();
        var events = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => TextGenerator.Generate(baby.Model, baby.Tokenizer, [Prompt],
            new GenerationOptions { MaxNewTokens = 60 }, (_, _) => { if (++events == 3) cts.Cancel(); }, cts.Token));
        Assert.Equal(3, events);
    }

    private int[] ShortestGoldenPrefixWhoseTextContains(string text) =>
        Enumerable.Range(1, Golden.Length).Select(n => Golden[..n])
            .First(tokens => baby.TextAfter(Prompt, tokens).Contains(text, StringComparison.Ordinal));

    /// <summary>One event per produced token; the deltas add up to the text; only the last one has a finish reason.</summary>
    private static void AssertStreamedExactly(GenerationOutput output, IReadOnlyList<GeneratedToken> events)
    {
        Assert.Equal(output.CompletionTokens, events.Count);
        Assert.Equal(output.Text, string.Concat(events.Select(e => e.TextDelta)));
        Assert.All(events.SkipLast(1), e => Assert.Null(e.FinishReason));
        Assert.Equal(output.FinishReason, events[^1].FinishReason);
        Assert.Equal(output.TokenIds, events.Select(e => e.TokenId).Take(output.TokenIds.Count));
    }

    private (GenerationOutput Output, List<GeneratedToken> Events) Generate(GenerationOptions options)
    {
        var events = new List<GeneratedToken>();
        var outputs = TextGenerator.Generate(baby.Model, baby.Tokenizer, [Prompt], options, (i, token) =>
        {
            Assert.Equal(0, i);
            events.Add(token);
        });
        return (Assert.Single(outputs), events);
    }

    public void Dispose() => baby.Dispose();
}
