namespace TuningService.Core.Evaluation;

/// <summary>One task's metrics (or the whole dataset's, as task "overall"); null where a kind does not apply.</summary>
/// <param name="Preference">Preference (DPO) data: how the model ranks each pair's answers; null otherwise.</param>
public sealed record TaskEvaluation(string Task, TeacherForcedMetrics? TeacherForced, GeneratedMetrics? Generated,
    PreferenceEvaluation? Preference = null);
