using TuningService.Core.Datasets;

namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// Accuracy, macro-F1, per-label scores and the confusion matrix of generated labels, with scikit-learn's definitions
/// (<c>accuracy_score</c>, <c>precision_recall_fscore_support(labels=..., average=None/'macro')</c>,
/// <c>confusion_matrix(labels=...)</c>). Predictions and expectations are compared as
/// <see cref="ClassificationLabels.LabelOf"/> gives them (trimmed), ordinally.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// Scores <paramref name="predicted"/> against <paramref name="expected"/> over <paramref name="labels"/> (in that
    /// order in the report). Every expected label must be in the set: a test example whose label the set lacks would
    /// silently drop out of the per-label scores, so it is an error instead.
    /// </summary>
    public static ClassificationReport Compute(
        IReadOnlyList<string> predicted, IReadOnlyList<string> expected, IReadOnlyList<string> labels)
    {
        MetricArguments.RequirePairs(predicted, expected);
        var index = IndexLabels(labels);
        var outside = labels.Count;
        var matrix = new int[labels.Count][];
        for (var row = 0; row < labels.Count; row++) matrix[row] = new int[labels.Count + 1];

        var correct = 0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var expectedLabel = ClassificationLabels.LabelOf(expected[i]);
            if (!index.TryGetValue(expectedLabel, out var row))
            {
                throw new ArgumentException(
                    $"Expected label '{expectedLabel}' (example {i}) is not in the label set.", nameof(expected));
            }
            var column = index.GetValueOrDefault(ClassificationLabels.LabelOf(predicted[i]), outside);
            matrix[row][column]++;
            if (column == row) correct++;
        }

        var perLabel = new List<LabelScores>(labels.Count);
        for (var k = 0; k < labels.Count; k++)
        {
            var truePositives = matrix[k][k];
            var support = matrix[k].Sum();
            var predictedAsK = 0;
            for (var row = 0; row < labels.Count; row++) predictedAsK += matrix[row][k];
            perLabel.Add(new LabelScores(
                labels[k],
                Divide(truePositives, predictedAsK),
                Divide(truePositives, support),
                // scikit-learn's F-score, 2tp / (2tp + fp + fn): the harmonic mean where it is defined, 0 where not.
                Divide(2 * truePositives, predictedAsK + support),
                support));
        }

        return new ClassificationReport(
            predicted.Count,
            (double)correct / predicted.Count,
            perLabel.Average(scores => scores.F1),
            [.. labels],
            perLabel,
            matrix,
            matrix.Sum(row => row[outside]));
    }

    private static Dictionary<string, int> IndexLabels(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) throw new ArgumentException("The label set is empty.", nameof(labels));
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < labels.Count; k++)
        {
            if (!index.TryAdd(ClassificationLabels.LabelOf(labels[k]), k))
                throw new ArgumentException($"Label '{labels[k]}' appears twice in the label set.", nameof(labels));
        }
        return index;
    }

    private static double Divide(int numerator, int denominator) =>
        denominator == 0 ? 0.0 : (double)numerator / denominator;
}
