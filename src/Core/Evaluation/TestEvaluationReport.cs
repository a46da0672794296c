namespace TuningService.Core.Evaluation;

/// <summary>
/// The test data before and after: the whole set's metrics for the base model, the ICL baseline and the fine-tuned
/// model, the change base → fine-tuned (and base → ICL), each task's, and generations side by side.
/// </summary>
/// <param name="IclPrompting">How the ICL baseline was prompted, including how many prompts did not fit all shots.</param>
public sealed record TestEvaluationReport(
    string DatasetId, string DatasetName, int Records, TaskEvaluation? Base, TaskEvaluation? Icl, TaskEvaluation? FineTuned,
    IclSummary? IclPrompting, IReadOnlyList<MetricChange> Change, IReadOnlyList<MetricChange> IclChange,
    IReadOnlyList<TaskComparison> PerTask, IReadOnlyList<SideBySideSample> Samples);
