using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Tests.Evaluation.Metrics;

public class LanguageModelMetricsTests
{
    [Fact]
    public void Perplexity_of_a_uniform_model_is_the_number_of_choices()
    {
        // Jurafsky & Martin, Speech and Language Processing (3rd ed.), ch. 3 "Perplexity": a model that gives each of
        // the 10 digits probability 1/10 has perplexity 10 on any digit string. Each token costs -ln(1/10) nats.
        const int tokens = 7;
        Assert.Equal(10.0, LanguageModelMetrics.Perplexity(tokens * Math.Log(10), tokens), 1e-12);
    }

    [Fact]
    public void Perplexity_is_two_to_the_entropy_in_bits()
    {
        // Jurafsky & Martin's definition PP(W) = P(w1..wN)^(-1/N): four tokens of probabilities 1/2, 1/4, 1/8, 1/8 give
        // (1/2 * 1/4 * 1/8 * 1/8)^(-1/4) = 512^(1/4).
        var nll = -(Math.Log(0.5) + Math.Log(0.25) + Math.Log(0.125) + Math.Log(0.125));
        Assert.Equal(Math.Pow(512, 0.25), LanguageModelMetrics.Perplexity(nll, 4), 1e-12);
    }

    [Fact]
    public void Token_accuracy_is_the_fraction_correct()
    {
        Assert.Equal(0.75, LanguageModelMetrics.TokenAccuracy(3, 4));
    }

    [Fact]
    public void Totals_accumulate_by_tokens_not_by_batch()
    {
        // Two batches: 1 token with NLL ln 10, then 3 tokens with NLL 3 ln 10 -> 4 tokens, ln 10 each -> PPL 10.
        var totals = TeacherForcedTotals.Zero.Add(Math.Log(10), 1, 1).Add(new TeacherForcedTotals(3 * Math.Log(10), 3, 0));
        Assert.Equal(4, totals.TokenCount);
        Assert.Equal(10.0, totals.Perplexity(), 1e-12);
        Assert.Equal(0.25, totals.TokenAccuracy());
        Assert.Equal(Math.Log(10), totals.MeanNll(), 1e-15);
    }

    [Fact]
    public void Nothing_scored_is_an_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LanguageModelMetrics.Perplexity(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LanguageModelMetrics.TokenAccuracy(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TeacherForcedTotals.Zero.Perplexity());
        Assert.Throws<ArgumentOutOfRangeException>(() => LanguageModelMetrics.Perplexity(double.NaN, 3));
    }
}
