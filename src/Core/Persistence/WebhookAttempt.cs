namespace TuningService.Core.Persistence;

/// <summary>One try at a <see cref="WebhookDelivery"/>: the delivery log that GET .../deliveries shows.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; init; }
    public required string DeliveryId { get; init; }

    /// <summary>1 for the first try.</summary>
    public int Number { get; init; }

    /// <summary>Unix seconds.</summary>
    public long AttemptedAt { get; init; }

    /// <summary>The receiver's HTTP status, or null when none came (see <see cref="Error"/>).</summary>
    public int? StatusCode { get; init; }

    public string? Error { get; init; }
    public int DurationMs { get; init; }
}
