namespace TuningService.Core.Evaluation;

/// <summary>One model on one dataset: the whole dataset's metrics, each task's, and a few generations per task.</summary>
/// <param name="Records">Examples in the dataset (teacher-forced metrics cover all of them).</param>
/// <param name="Icl">For the in-context-learning baseline: how it was prompted; null otherwise.</param>
public sealed record DatasetEvaluation(string DatasetId, string DatasetName, EvaluationDataKind Kind, int Records,
    TaskEvaluation Overall, IReadOnlyList<TaskEvaluation> Tasks, IReadOnlyList<GeneratedSample> Samples, IclSummary? Icl = null);
