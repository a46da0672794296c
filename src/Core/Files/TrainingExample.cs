namespace TuningService.Core.Files;

/// <summary>
/// One supervised example: the model reads <paramref name="Prompt"/> and learns to produce
/// <paramref name="Completion"/>. <paramref name="Task"/> is the record's optional 'task' key (for per-task metrics).
/// A preference pair (DPO) has the preferred answer as its completion and the other in <see cref="Rejected"/>.
/// </summary>
public sealed record TrainingExample(string Prompt, string Completion, string? Task = null)
{
    /// <summary>For a preference pair, the non-preferred answer to the same prompt; null otherwise.</summary>
    public string? Rejected { get; init; }
}
