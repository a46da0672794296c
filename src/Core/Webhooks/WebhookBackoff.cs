namespace TuningService.Core.Webhooks;

/// <summary>When a failed delivery is tried again: exponential waits, capped, until the give-up horizon.</summary>
public static class WebhookBackoff
{
    /// <summary>The wait after the <paramref name="attempt"/>-th failed try (1-based): first, 2×first, 4×first, ... up to the cap.</summary>
    public static TimeSpan Delay(WebhookOptions options, int attempt)
    {
        var seconds = options.FirstRetryDelaySeconds * Math.Pow(2, Math.Min(attempt - 1, 40));
        return TimeSpan.FromSeconds(Math.Min(seconds, options.MaxRetryDelaySeconds));
    }

    /// <summary>The next try's time (unix ms), or null when it would fall past the give-up horizon counted from the event.</summary>
    public static long? NextAttempt(WebhookOptions options, int attempt, long eventCreatedAtSeconds, long nowMs)
    {
        var next = nowMs + (long)Delay(options, attempt).TotalMilliseconds;
        var horizon = eventCreatedAtSeconds * 1000 + (long)(options.GiveUpAfterSeconds * 1000);
        return next > horizon ? null : next;
    }
}
