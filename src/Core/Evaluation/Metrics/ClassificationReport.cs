namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// Classification quality over a label set.
/// <para><see cref="ConfusionMatrix"/>[e][p] counts examples whose expected label is <see cref="Labels"/>[e] and whose
/// prediction is <see cref="Labels"/>[p]; each row has one more column, last, counting predictions outside the label set
/// (a model that answers "maybe"). Those predictions are wrong for accuracy and misses for their expected label's
/// recall, and belong to no label's precision.</para>
/// </summary>
/// <param name="Accuracy">The fraction of examples predicted exactly (after trimming), in [0, 1].</param>
/// <param name="MacroF1">The unweighted mean of the per-label F1 over all of <see cref="Labels"/>.</param>
/// <param name="OutsideLabelSet">How many predictions were outside the label set.</param>
public sealed record ClassificationReport(
    int Count,
    double Accuracy,
    double MacroF1,
    IReadOnlyList<string> Labels,
    IReadOnlyList<LabelScores> PerLabel,
    IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix,
    int OutsideLabelSet);
