namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// What a teacher-forced pass accumulates over batches: the summed negative log-likelihood (nats) of the scored tokens,
/// how many tokens were scored, and how many of them the model's argmax predicted. Sums rather than per-batch means, so
/// that batches of different sizes weigh by their tokens.
/// </summary>
public sealed record TeacherForcedTotals(double NllSum, long TokenCount, long CorrectCount)
{
    public static TeacherForcedTotals Zero { get; } = new(0, 0, 0);

    public TeacherForcedTotals Add(double nllSum, long tokenCount, long correctCount) =>
        new(NllSum + nllSum, TokenCount + tokenCount, CorrectCount + correctCount);

    public TeacherForcedTotals Add(TeacherForcedTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Add(other.NllSum, other.TokenCount, other.CorrectCount);
    }

    // Methods rather than properties: they throw while nothing has been scored, and a record's ToString (and a JSON
    // serializer) would call properties.

    /// <summary>Mean NLL per scored token (the cross-entropy loss).</summary>
    public double MeanNll()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TokenCount);
        return NllSum / TokenCount;
    }

    public double Perplexity() => LanguageModelMetrics.Perplexity(NllSum, TokenCount);

    public double TokenAccuracy() => LanguageModelMetrics.TokenAccuracy(CorrectCount, TokenCount);
}
