namespace TuningService.Core.Evaluation;

/// <summary>What an <see cref="Persistence.EvaluationResult"/> row evaluated (its Subject column).</summary>
public static class EvaluationSubjects
{
    public const string Base = "base";
    public const string FineTuned = "fine_tuned";

    /// <summary>The base model prompted with training examples before each test prompt.</summary>
    public const string Icl = "icl";

    /// <summary>A saved checkpoint during training (teacher-forced metrics only).</summary>
    public const string Checkpoint = "checkpoint";
}
