using TuningService.Core.Webhooks;

namespace TuningService.Core.FineTuning;

/// <summary>Which status change a webhook reports: the job's end (OpenAI's three events) and a pause.</summary>
public static class JobWebhookEvents
{
    public static string? ForStatus(string status) => status switch
    {
        JobStatus.Succeeded => WebhookEventTypes.JobSucceeded,
        JobStatus.Failed => WebhookEventTypes.JobFailed,
        JobStatus.Cancelled => WebhookEventTypes.JobCancelled,
        JobStatus.Paused => WebhookEventTypes.JobPaused,
        _ => null,
    };
}
