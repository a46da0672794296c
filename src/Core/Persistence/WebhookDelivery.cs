namespace TuningService.Core.Persistence;

/// <summary>One event on its way to one endpoint: its state and when it is next tried (see src/Core/Webhooks).</summary>
public sealed class WebhookDelivery
{
    public required string Id { get; init; }
    public required string EndpointId { get; init; }
    public required string EventId { get; init; }

    /// <summary>pending, delivered or failed (gave up).</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; }
    public long CreatedAt { get; init; }

    /// <summary>Unix milliseconds of the next try while pending.</summary>
    public long NextAttemptAt { get; set; }

    /// <summary>
    /// Unix milliseconds until which a dispatch of this delivery is in flight (enqueued on Hangfire or being sent);
    /// a process that died after enqueuing leaves it to lapse, and the delivery is dispatched again.
    /// </summary>
    public long? DispatchedUntil { get; set; }
}
