namespace TuningService.Core.Evaluation.Metrics;

/// <summary>One ROUGE variant for one prediction: precision, recall and their F1, each in [0, 1].</summary>
public sealed record RougeMeasure(double Precision, double Recall, double F1)
{
    /// <summary>rouge-score's <c>scoring.fmeasure</c>: the harmonic mean, 0 when precision and recall are both 0.</summary>
    internal static RougeMeasure Of(double precision, double recall) =>
        new(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);
}
