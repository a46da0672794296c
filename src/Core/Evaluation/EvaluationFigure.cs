namespace TuningService.Core.Evaluation;

/// <summary>One named number of an evaluation, and which way is better.</summary>
public sealed record EvaluationFigure(string Metric, double Value, bool HigherIsBetter);
