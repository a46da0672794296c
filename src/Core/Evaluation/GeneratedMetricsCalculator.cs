using TuningService.Core.Datasets;
using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Scores generations against references with the metric functions. Classification metrics are added when the
/// references are classification data by <see cref="ClassificationLabels.Detect"/>, the rule splitting and
/// statistics use; a prediction is read as a label the same way (whitespace trimmed), and one outside the label set
/// counts as wrong.
/// </summary>
public static class GeneratedMetricsCalculator
{
    public static GeneratedMetrics Compute(IReadOnlyList<string> predictions, IReadOnlyList<string> references, int maxNewTokens, int promptsTruncated)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        if (predictions.Count != references.Count)
            throw new ArgumentException($"{predictions.Count} predictions for {references.Count} references.", nameof(predictions));
        var labels = ClassificationLabels.Detect(references);
        var classification = labels is null ? null : ClassificationMetrics.Compute(
            predictions.Select(ClassificationLabels.LabelOf).ToList(), references.Select(ClassificationLabels.LabelOf).ToList(), labels);
        return new GeneratedMetrics(predictions.Count, maxNewTokens, promptsTruncated,
            TextMatch.ExactMatch(predictions, references), TextMatch.NormalizedExactMatch(predictions, references),
            Rouge.Average(predictions, references), Bleu.Corpus(predictions, references), classification);
    }
}
