namespace TuningService.Core.Evaluation;

/// <summary>One task's metrics (or the whole dataset's, as task "overall"); null where a kind does not apply.</summary>
public sealed record TaskEvaluation(string Task, TeacherForcedMetrics? TeacherForced, GeneratedMetrics? Generated);
