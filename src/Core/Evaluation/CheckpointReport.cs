namespace TuningService.Core.Evaluation;

/// <summary>
/// A checkpoint's teacher-forced metrics on the validation data (overall and per task) and on each retention set, so
/// a user can pick the checkpoint with the best trade-off between the target task and what the model already knew.
/// </summary>
public sealed record CheckpointReport(int Step, string Model, TaskEvaluation? Validation, IReadOnlyList<TaskEvaluation> ValidationTasks,
    IReadOnlyList<CheckpointRetention> Retention);

/// <summary>A checkpoint on one retention set.</summary>
public sealed record CheckpointRetention(string DatasetId, string DatasetName, TeacherForcedMetrics? TeacherForced);
