namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// Precision, recall and F1 of one label (each in [0, 1], 0 where undefined, as scikit-learn's default
/// <c>zero_division</c> reports them) and its support: how many examples expected it.
/// </summary>
public sealed record LabelScores(string Label, double Precision, double Recall, double F1, int Support);
