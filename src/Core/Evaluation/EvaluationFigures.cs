namespace TuningService.Core.Evaluation;

/// <summary>
/// The figures of a task's (or a dataset's) evaluation as a flat list, in a fixed order, for comparisons, the CSV
/// and the bar charts. Fractions stay fractions (0..1); BLEU is on sacreBLEU's 0-100 scale.
/// </summary>
public static class EvaluationFigures
{
    /// <summary>Every metric name <see cref="Of"/> can give, in its order (the CSV's columns).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "loss", "perplexity", "mean_token_accuracy", "exact_match", "normalized_exact_match",
        "rouge1", "rouge2", "rouge_l", "bleu", "accuracy", "macro_f1", "preference_accuracy", "mean_logprob_margin",
    ];

    public static IReadOnlyList<EvaluationFigure> Of(TaskEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var figures = new List<EvaluationFigure>();
        if (evaluation.TeacherForced is { } t)
            figures.AddRange([new("loss", t.Loss, false), new("perplexity", t.Perplexity, false), new("mean_token_accuracy", t.MeanTokenAccuracy, true)]);
        if (evaluation.Generated is { } g)
        {
            figures.AddRange([
                new("exact_match", g.ExactMatch, true), new("normalized_exact_match", g.NormalizedExactMatch, true),
                new("rouge1", g.Rouge.Rouge1, true), new("rouge2", g.Rouge.Rouge2, true), new("rouge_l", g.Rouge.RougeL, true),
                new("bleu", g.Bleu.Score, true),
            ]);
            if (g.Classification is { } c)
                figures.AddRange([new("accuracy", c.Accuracy, true), new("macro_f1", c.MacroF1, true)]);
        }
        if (evaluation.Preference is { } p)
            figures.AddRange([new("preference_accuracy", p.Accuracy, true), new("mean_logprob_margin", p.MeanLogProbMargin, true)]);
        return figures;
    }
}
