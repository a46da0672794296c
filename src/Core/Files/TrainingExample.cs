namespace TuningService.Core.Files;

/// <summary>
/// One supervised example: the model reads <paramref name="Prompt"/> and learns to produce
/// <paramref name="Completion"/>. <paramref name="Task"/> is the record's optional 'task' key (for per-task metrics).
/// </summary>
public sealed record TrainingExample(string Prompt, string Completion, string? Task = null);
