namespace TuningService.Core.MultiTask;

/// <summary>
/// One epoch's training list, mixed from several tasks and shuffled, with the task each example came from
/// (<see cref="TaskIndices"/>[i] indexes the mixture's tasks) and the realised mix per task.
/// </summary>
public sealed record MixedEpoch<T>(int Epoch, IReadOnlyList<T> Examples, IReadOnlyList<int> TaskIndices, IReadOnlyList<TaskEpochUsage> Usage)
{
    /// <summary>The realised mix as text, one task per line.</summary>
    public string Describe() => $"epoch {Epoch}, {Examples.Count} examples: " + string.Join("; ", Usage.Select(u => u.Describe()));
}
