namespace TuningService.Core.Evaluation.Metrics;

/// <summary>ROUGE-1, ROUGE-2 and ROUGE-L F1 (F-measure with equal weight on precision and recall), each in [0, 1].</summary>
public sealed record RougeScores(double Rouge1, double Rouge2, double RougeL);
