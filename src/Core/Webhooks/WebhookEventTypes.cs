namespace TuningService.Core.Webhooks;

/// <summary>The events an endpoint can be sent: OpenAI's fine-tuning events and this service's own two.</summary>
public static class WebhookEventTypes
{
    public const string JobSucceeded = "fine_tuning.job.succeeded";
    public const string JobFailed = "fine_tuning.job.failed";
    public const string JobCancelled = "fine_tuning.job.cancelled";

    /// <summary>This service's: the job stopped at a checkpoint and waits for a resume.</summary>
    public const string JobPaused = "fine_tuning.job.paused";

    /// <summary>This service's: a checkpoint was saved (its id in <c>data.checkpoint_id</c>).</summary>
    public const string CheckpointCreated = "fine_tuning.job.checkpoint.created";

    public static readonly IReadOnlyList<string> All = [JobSucceeded, JobFailed, JobCancelled, JobPaused, CheckpointCreated];
}
