using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Metrics of greedy generations against the references: exact match (as written, and normalised), ROUGE F1,
/// corpus BLEU (13a tokenisation), and for classification data accuracy, macro-F1 and the confusion matrix.
/// </summary>
/// <param name="Examples">Prompts generated for (at most <see cref="EvaluationSettings.MaxGeneratedExamples"/> per dataset).</param>
/// <param name="MaxNewTokens">The token budget per prompt: the longest reference plus EOS, capped.</param>
/// <param name="PromptsTruncated">Prompts whose start was dropped to leave room for the budget in the context.</param>
public sealed record GeneratedMetrics(int Examples, int MaxNewTokens, int PromptsTruncated, double ExactMatch, double NormalizedExactMatch,
    RougeScores Rouge, BleuScore Bleu, ClassificationReport? Classification);
