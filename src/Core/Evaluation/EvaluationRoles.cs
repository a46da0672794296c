namespace TuningService.Core.Evaluation;

/// <summary>Which of a job's data an <see cref="Persistence.EvaluationResult"/> row measured (its DatasetRole column).</summary>
public static class EvaluationRoles
{
    public const string Test = "test";
    public const string Validation = "validation";
    public const string Retention = "retention";
}
