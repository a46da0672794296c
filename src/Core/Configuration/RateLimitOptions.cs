namespace TuningService.Core.Configuration;

/// <summary>
/// `Tuning:RateLimits`: how many requests one API key (the single local user when no keys are configured) may make.
/// A key's own <see cref="ApiKeyOptions.RequestsPerMinute"/> overrides the default.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Requests per minute per key, refilled continuously (a token bucket of this size, one request back every
    /// 60 s / this): a burst of this many is allowed, then one per refill. 1,200 (20 a second sustained) is well above
    /// what the dashboard or a polling client sends and well below what the API serves on two cores.
    /// </summary>
    public int RequestsPerMinute { get; set; } = 1200;
}
