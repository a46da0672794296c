namespace TuningService.Core.Persistence;

/// <summary>
/// The outbox of webhook events: one row per event, written in the same transaction as what it reports (a job's
/// status change, a checkpoint's row), so an event cannot be lost between the change and its delivery. Turned into
/// one <see cref="WebhookDelivery"/> per interested endpoint once (<see cref="FannedOut"/>).
/// </summary>
public sealed class WebhookEvent
{
    /// <summary>evt_..., sent as the webhook-id header and the event's id: the same on every retry, so receivers can dedupe.</summary>
    public required string Id { get; init; }

    public required string Type { get; init; }
    public required string JobId { get; init; }

    /// <summary>For fine_tuning.job.checkpoint.created: the checkpoint's id.</summary>
    public string? CheckpointId { get; init; }

    public long CreatedAt { get; init; }
    public bool FannedOut { get; set; }
}
