namespace TuningService.Core.Webhooks;

/// <summary>How one attempt went: the receiver's status when one came, else why not.</summary>
/// <param name="Kind">A metric label: delivered, http_error, redirect, timeout, network_error or refused_target.</param>
public sealed record WebhookAttemptOutcome(string Kind, int? StatusCode, string? Error, TimeSpan Duration)
{
    public bool Delivered => Kind == "delivered";
}
