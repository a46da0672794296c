namespace TuningService.Core.Evaluation;

/// <summary>
/// One retention set before and after training. <see cref="Forgetting"/> lists each metric's change; its Worsening
/// is the forgetting (positive: the model got worse at this data). <see cref="Summary"/> says it in a sentence.
/// </summary>
public sealed record RetentionReport(
    string DatasetId, string DatasetName, EvaluationDataKind Kind, int Records, TaskEvaluation? Before, TaskEvaluation? After,
    IReadOnlyList<MetricChange> Forgetting, string? Summary, IReadOnlyList<TaskComparison> PerTask);
