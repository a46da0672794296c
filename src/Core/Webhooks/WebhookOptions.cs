namespace TuningService.Core.Webhooks;

/// <summary>The `Tuning:Webhooks` configuration section (environment: Tuning__Webhooks__AllowPrivateTargets, ...).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Tuning:Webhooks";

    /// <summary>
    /// Allow endpoints whose address is loopback, private, link-local or otherwise not public (checked at
    /// registration and again, on the resolved address, at each delivery). Off by default: a webhook URL is a
    /// request this service makes on a caller's behalf, and must not reach the service's own network.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long one delivery attempt may take, connecting included, before it counts as failed.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>The wait before the first retry; each further retry waits twice as long as the one before.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 10;

    /// <summary>The longest wait between two retries.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 2 * 3600;

    /// <summary>Retries stop once the next one would come later than this after the event (24 h).</summary>
    public double GiveUpAfterSeconds { get; set; } = 24 * 3600;

    /// <summary>How often each worker process looks for new events and deliveries that are due.</summary>
    public double PollIntervalSeconds { get; set; } = 1;

    /// <summary>Deliveries one worker process sends at the same time (a Hangfire queue of their own).</summary>
    public int DeliveryWorkers { get; set; } = 4;

    /// <summary>One line per impossible value; empty when the options are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!(AttemptTimeoutSeconds > 0)) yield return $"Tuning:Webhooks:AttemptTimeoutSeconds must be positive, got {AttemptTimeoutSeconds}.";
        if (!(FirstRetryDelaySeconds > 0)) yield return $"Tuning:Webhooks:FirstRetryDelaySeconds must be positive, got {FirstRetryDelaySeconds}.";
        if (!(MaxRetryDelaySeconds >= FirstRetryDelaySeconds))
            yield return $"Tuning:Webhooks:MaxRetryDelaySeconds ({MaxRetryDelaySeconds}) must be at least FirstRetryDelaySeconds ({FirstRetryDelaySeconds}).";
        if (!(GiveUpAfterSeconds >= 0)) yield return $"Tuning:Webhooks:GiveUpAfterSeconds must not be negative, got {GiveUpAfterSeconds}.";
        if (!(PollIntervalSeconds > 0)) yield return $"Tuning:Webhooks:PollIntervalSeconds must be positive, got {PollIntervalSeconds}.";
        if (DeliveryWorkers < 1) yield return $"Tuning:Webhooks:DeliveryWorkers must be at least 1, got {DeliveryWorkers}.";
    }
}
