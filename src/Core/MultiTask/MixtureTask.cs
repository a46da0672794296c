namespace TuningService.Core.MultiTask;

/// <summary>One task as the mixture sees it: its name, how many training examples it has, and its weight (default 1).</summary>
public sealed record MixtureTask(string Name, int ExampleCount, double Weight = 1.0);
