namespace TuningService.Core.MultiTask;

/// <summary>A task's name and its examples (raw <c>TrainingExample</c>s or tokenized ones).</summary>
public sealed record TaskExamples<T>(string Name, IReadOnlyList<T> Examples);
