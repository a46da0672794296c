namespace TuningService.Core.Evaluation.Metrics;

/// <summary>Teacher-forced language-model metrics over scored target tokens.</summary>
public static class LanguageModelMetrics
{
    /// <summary>
    /// exp(mean negative log-likelihood per token), with the NLL in nats (natural log): the perplexity of the tokens
    /// that were scored, so it depends on the tokenizer and on which tokens count (e.g. completions only).
    /// </summary>
    public static double Perplexity(double totalNll, long tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokenCount);
        if (!double.IsFinite(totalNll) || totalNll < 0)
            throw new ArgumentOutOfRangeException(nameof(totalNll), totalNll, "A negative log-likelihood sum is finite and >= 0.");
        return Math.Exp(totalNll / tokenCount);
    }

    /// <summary>The fraction of scored tokens whose argmax prediction was the target token, in [0, 1].</summary>
    public static double TokenAccuracy(long correct, long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegative(correct);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(correct, total);
        return (double)correct / total;
    }
}
