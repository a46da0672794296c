using TuningService.Core.Generation;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Generation;

/// <summary>Per-token logprobs against log_softmax of an independent full forward.</summary>
public sealed class LogprobsTests : IDisposable
{
    private readonly BabyLlama baby = new();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.8)]
    public void Logprobs_are_the_model_distribution_at_each_position_whatever_the_temperature(double temperature)
    {
        var prompt = baby.Prompt(1);
        var events = new List<GeneratedToken>();
        var output = Assert.Single(TextGenerator.Generate(baby.Model, baby.Tokenizer, [prompt],
            new GenerationOptions { MaxNewTokens = 12, Temperature = temperature, Seed = 5, StopTokenIds = [], Logprobs = 3 },
            (_, token) => events.Add(token)));

        var logprobs = output.Logprobs!;
        Assert.Equal(output.TokenIds.Count, logprobs.Count);
        Assert.Equal(logprobs, events.Select(e => e.Logprob));
        var expected = FullForwardLogprobs(prompt.Concat(output.TokenIds).ToArray());
        for (var i = 0; i < logprobs.Count; i++)
        {
            var position = expected[prompt.Length - 1 + i];
            var entry = logprobs[i];
            Assert.Equal(output.TokenIds[i], entry.TokenId);
            Golden.AssertLogitsClose([position[entry.TokenId]], [entry.Logprob], $"token {i}");
            var best = position.Select((lp, id) => (Id: id, Lp: lp)).OrderByDescending(x => x.Lp).Take(3).ToArray();
            Assert.Equal(best.Select(b => b.Id), entry.TopLogprobs.Select(t => t.TokenId));
            Golden.AssertLogitsClose(best.Select(b => b.Lp).ToArray(), entry.TopLogprobs.Select(t => t.Logprob).ToArray(), $"top at {i}");
        }
        if (temperature == 0)
            Assert.All(logprobs, entry => Assert.Equal(entry.TokenId, entry.TopLogprobs[0].TokenId));
    }

    [Fact]
    public void Token_strings_read_as_the_text_and_alternatives_carry_their_own_text()
    {
        var output = Assert.Single(TextGenerator.Generate(baby.Model, baby.Tokenizer, [baby.Prompt(1)],
            new GenerationOptions { MaxNewTokens = 20, Temperature = 0, StopTokenIds = [], Logprobs = 5 }));

        Assert.Equal(output.Text, string.Concat(output.Logprobs!.Select(t => t.Token)));
        Assert.All(output.Logprobs!.SelectMany(t => t.TopLogprobs),
            top => Assert.Equal(baby.Tokenizer.Decode([top.TokenId], skipSpecialTokens: false).Trim(), top.Token.Trim()));
    }

    [Fact]
    public void Zero_logprobs_gives_the_chosen_token_only()
    {
        var output = Assert.Single(TextGenerator.Generate(baby.Model, baby.Tokenizer, [baby.Prompt(0)],
            new GenerationOptions { MaxNewTokens = 5, Temperature = 0, Logprobs = 0 }));

        Assert.Equal(5, output.Logprobs!.Count);
        Assert.All(output.Logprobs!, entry => Assert.Empty(entry.TopLogprobs));
    }

    private float[][] FullForwardLogprobs(int[] ids)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logprobs = baby.Model.forward(tensor(ids.Select(id => (long)id).ToArray(), [1, ids.Length]))[0].log_softmax(-1);
        return Enumerable.Range(0, ids.Length).Select(p => logprobs[p].data<float>().ToArray()).ToArray();
    }

    public void Dispose() => baby.Dispose();
}
