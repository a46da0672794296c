using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Tests.Evaluation.Metrics;

/// <summary>Expected values from the examples in scikit-learn's documentation (sklearn.metrics docstrings).</summary>
public class ClassificationMetricsTests
{
    [Fact]
    public void F1_score_macro_example()
    {
        // f1_score: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]; average='macro' -> 0.26666666666666666,
        // average=None -> [0.8, 0, 0]; precision_score(average=None) -> [0.66..., 0, 0].
        var report = ClassificationMetrics.Compute(
            ["0", "2", "1", "0", "0", "1"], ["0", "1", "2", "0", "1", "2"], ["0", "1", "2"]);
        Assert.Equal(0.26666666666666666, report.MacroF1, 1e-15);
        Assert.Equal([0.8, 0, 0], report.PerLabel.Select(s => s.F1));
        Assert.Equal(2.0 / 3, report.PerLabel[0].Precision, 1e-15);
    }

    [Fact]
    public void Precision_recall_fscore_support_per_label_example()
    {
        // precision_recall_fscore_support(y_true, y_pred, average=None, labels=['pig', 'dog', 'cat']) ->
        // P [0, 0, 0.66...], R [0, 0, 1], F [0, 0, 0.8], support [2, 2, 2]; average='macro' -> (0.22..., 0.33..., 0.26...).
        var report = ClassificationMetrics.Compute(
            ["cat", "pig", "dog", "cat", "cat", "dog"], ["cat", "dog", "pig", "cat", "dog", "pig"], ["pig", "dog", "cat"]);
        Assert.Equal(["pig", "dog", "cat"], report.PerLabel.Select(s => s.Label));
        Assert.Equal([0, 0, 2.0 / 3], report.PerLabel.Select(s => s.Precision));
        Assert.Equal([0, 0, 1.0], report.PerLabel.Select(s => s.Recall));
        Assert.Equal([0, 0, 0.8], report.PerLabel.Select(s => s.F1));
        Assert.Equal([2, 2, 2], report.PerLabel.Select(s => s.Support));
        Assert.Equal(0.26666666666666666, report.MacroF1, 1e-15);
    }

    [Fact]
    public void Confusion_matrix_example()
    {
        // confusion_matrix(y_true, y_pred, labels=["ant", "bird", "cat"]) -> [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
        // (rows: true label, columns: predicted label); nothing falls outside the label set.
        var report = ClassificationMetrics.Compute(
            ["ant", "ant", "cat", "cat", "ant", "cat"], ["cat", "ant", "cat", "cat", "ant", "bird"], ["ant", "bird", "cat"]);
        Assert.Equal([2, 0, 0, 0], report.ConfusionMatrix[0]);
        Assert.Equal([0, 0, 1, 0], report.ConfusionMatrix[1]);
        Assert.Equal([1, 0, 2, 0], report.ConfusionMatrix[2]);
        Assert.Equal(0, report.OutsideLabelSet);
    }

    [Fact]
    public void Classification_report_example()
    {
        // classification_report(y_true=[0, 1, 2, 2, 2], y_pred=[0, 0, 2, 2, 1]): precision 0.50 0.00 1.00,
        // recall 1.00 0.00 0.67, f1 0.67 0.00 0.80, support 1 1 3, accuracy 0.60, macro avg f1 0.49.
        var report = ClassificationMetrics.Compute(["0", "0", "2", "2", "1"], ["0", "1", "2", "2", "2"], ["0", "1", "2"]);
        Assert.Equal([0.50, 0.00, 1.00], report.PerLabel.Select(s => Math.Round(s.Precision, 2)));
        Assert.Equal([1.00, 0.00, 0.67], report.PerLabel.Select(s => Math.Round(s.Recall, 2)));
        Assert.Equal([0.67, 0.00, 0.80], report.PerLabel.Select(s => Math.Round(s.F1, 2)));
        Assert.Equal([1, 1, 3], report.PerLabel.Select(s => s.Support));
        Assert.Equal(0.60, report.Accuracy, 1e-15);
        Assert.Equal(0.49, Math.Round(report.MacroF1, 2));
    }

    [Fact]
    public void Predictions_outside_the_label_set_are_misses_and_get_their_own_column()
    {
        // classification_report(y_true=[1, 1, 1], y_pred=[1, 1, 0], labels=[1, 2, 3]): label 1 precision 1.00,
        // recall 0.67, f1 0.80, support 3; labels 2 and 3 all 0 with support 0; macro avg f1 0.27. The prediction 0
        // is outside the label set, like a model answering "maybe".
        var report = ClassificationMetrics.Compute(["1", "1", "0"], ["1", "1", "1"], ["1", "2", "3"]);
        Assert.Equal([1.00, 0.00, 0.00], report.PerLabel.Select(s => Math.Round(s.Precision, 2)));
        Assert.Equal([0.67, 0.00, 0.00], report.PerLabel.Select(s => Math.Round(s.Recall, 2)));
        Assert.Equal([0.80, 0.00, 0.00], report.PerLabel.Select(s => Math.Round(s.F1, 2)));
        Assert.Equal([3, 0, 0], report.PerLabel.Select(s => s.Support));
        Assert.Equal(0.27, Math.Round(report.MacroF1, 2));
        Assert.Equal([2, 0, 0, 1], report.ConfusionMatrix[0]);
        Assert.Equal(1, report.OutsideLabelSet);
        // accuracy_score counts the out-of-set prediction as wrong: 2 of 3.
        Assert.Equal(2.0 / 3, report.Accuracy, 1e-15);
    }

    [Fact]
    public void Accuracy_example()
    {
        // accuracy_score(y_true=[0, 1, 2, 3], y_pred=[0, 2, 1, 3]) -> 0.5.
        var report = ClassificationMetrics.Compute(["0", "2", "1", "3"], ["0", "1", "2", "3"], ["0", "1", "2", "3"]);
        Assert.Equal(0.5, report.Accuracy);
        Assert.Equal(4, report.Count);
    }

    [Fact]
    public void Labels_are_compared_after_trimming()
    {
        var report = ClassificationMetrics.Compute([" positive\n", "negative "], ["positive", " negative"], ["negative", "positive"]);
        Assert.Equal(1.0, report.Accuracy);
        Assert.Equal(0, report.OutsideLabelSet);
    }

    [Fact]
    public void An_expected_label_missing_from_the_set_or_a_repeated_label_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a"], ["c"], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a"], ["a"], ["a", " a"]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute([], [], ["a"]));
    }
}
