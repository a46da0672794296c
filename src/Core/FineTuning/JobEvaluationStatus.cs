namespace TuningService.Core.FineTuning;

/// <summary>Where a job's evaluation stands, as the report says it.</summary>
public static class JobEvaluationStatus
{
    /// <summary>The job has not started evaluating (queued, or training has not reached it).</summary>
    public const string NotStarted = "not_started";

    /// <summary>The job is running: base results (and checkpoint results) may be there, the fine-tuned ones are not yet.</summary>
    public const string InProgress = "in_progress";

    /// <summary>The job succeeded and everything it evaluates is in the report.</summary>
    public const string Complete = "complete";

    /// <summary>The job failed, was cancelled or is paused: the report holds what was measured before it stopped.</summary>
    public const string Incomplete = "incomplete";
}
