namespace TuningService.Core.Evaluation;

/// <summary>One task of the test data: base, ICL baseline and fine-tuned, with the change base → fine-tuned.</summary>
public sealed record TaskComparison(string Task, TaskEvaluation? Base, TaskEvaluation? Icl, TaskEvaluation? FineTuned, IReadOnlyList<MetricChange> Change);
