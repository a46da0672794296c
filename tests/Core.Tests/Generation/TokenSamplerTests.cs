using TuningService.Core.Generation;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Generation;

/// <summary>The sampling filters on hand-made distributions, counted over many seeded draws.</summary>
public sealed class TokenSamplerTests
{
    // Probabilities 0.5, 0.3, 0.15, 0.05 in a shuffled vocabulary order.
    private static readonly float[] Probabilities = [0.15f, 0.5f, 0.05f, 0.3f];

    [Fact]
    public void Top_k_draws_only_the_k_most_likely_tokens_in_proportion()
    {
        AssertShares([0, 0.625, 0, 0.375], Shares(new GenerationOptions { Temperature = 1, TopK = 2, Seed = 3 }));
    }

    [Fact]
    public void Top_p_keeps_tokens_until_their_mass_reaches_p()
    {
        // 0.5 < 0.7 so the second token (0.3) is needed; 0.5 + 0.3 ≥ 0.7 so nothing after it.
        AssertShares([0, 0.625, 0, 0.375], Shares(new GenerationOptions { Temperature = 1, TopP = 0.7, Seed = 5 }));
        // The most likely token alone already holds p = 0.5.
        AssertShares([0, 1.0, 0, 0], Shares(new GenerationOptions { Temperature = 1, TopP = 0.5, Seed = 5 }));
    }

    [Fact]
    public void Temperature_scales_the_logits()
    {
        // At temperature 0.5 the probabilities become p² renormalised: 0.0225, 0.25, 0.0025, 0.09 over 0.365.
        var expected = Probabilities.Select(p => (double)(p * p) / 0.365).ToArray();

        AssertShares(expected, Shares(new GenerationOptions { Temperature = 0.5, Seed = 11 }));
    }

    [Fact]
    public void Temperature_zero_takes_the_argmax_of_each_row()
    {
        using var scope = NewDisposeScope();
        using var sampler = new TokenSampler(new GenerationOptions { Temperature = 0 }, CPU);

        var choices = sampler.Choose(tensor(new[] { 0.1f, 2f, -1f, 0.3f, 5f, 0f }, [2, 3]));

        Assert.Equal([1L, 1L], choices.data<long>().ToArray());
    }

    /// <summary>How often each token is drawn in 20,000 rows of the fixed distribution.</summary>
    private static double[] Shares(GenerationOptions options)
    {
        const int Rows = 20_000;
        using var scope = NewDisposeScope();
        using var sampler = new TokenSampler(options, CPU);
        var logits = log(tensor(Probabilities)).expand(Rows, Probabilities.Length);
        var counts = new double[Probabilities.Length];
        foreach (var id in sampler.Choose(logits).data<long>())
            counts[id]++;
        return counts.Select(c => c / Rows).ToArray();
    }

    /// <summary>A filtered-out token is never drawn; the others agree within 0.015 (over 4 standard errors).</summary>
    private static void AssertShares(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var id = 0; id < expected.Length; id++)
        {
            if (expected[id] == 0)
                Assert.Equal(0, actual[id]);
            else
                Assert.True(Math.Abs(actual[id] - expected[id]) <= 0.015, $"token {id}: drawn {actual[id]:P2}, expected {expected[id]:P2}");
        }
    }
}
