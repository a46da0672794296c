namespace TuningService.Core.FineTuning;

/// <summary>One task of a multi-task job, as stored on the job.</summary>
public sealed record JobTask(string Name, string TrainingFile, string? ValidationFile, double Weight = 1.0);
