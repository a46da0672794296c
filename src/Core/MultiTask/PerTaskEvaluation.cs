namespace TuningService.Core.MultiTask;

/// <summary>
/// Per-task validation results, in the order the tasks were given, and the overall ones over all tasks' tokens:
/// the overall loss is the token-weighted mean of the task losses, Σ L_t N_t / Σ N_t (so a task counts by its
/// labelled tokens, not equally and not by its mixing rate).
/// </summary>
public sealed record PerTaskEvaluation(IReadOnlyList<TaskMetrics> Tasks, int ExampleCount, long PredictedTokenCount, double Loss, double TokenAccuracy)
{
    /// <summary>The named task's metrics (names compared exactly), or null.</summary>
    public TaskMetrics? For(string task) => Tasks.FirstOrDefault(t => t.Task == task);
}
