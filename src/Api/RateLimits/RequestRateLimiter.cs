using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;

namespace TuningService.Api.RateLimits;

/// <summary>
/// Requests per minute per API key (the single local user's owner when no keys are configured), as one of ASP.NET
/// Core's partitioned limiters: a token bucket per key that holds a minute's requests and refills continuously, so a
/// caller who waits gets requests back in proportion, and "time until full" (OpenAI's x-ratelimit-reset-requests) is
/// known from what is left. Requests the key middleware let through without a caller (health, metrics, Swagger, the
/// dashboard's static files) are not limited.
/// </summary>
public sealed class RequestRateLimiter(IOptionsMonitor<TuningOptions> options) : IDisposable
{
    /// <summary>Shared by ASP.NET Core's rate-limiting middleware (its global limiter) and the success headers.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; } = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        Describe(context, options.CurrentValue) is { } limit
            ? RateLimitPartition.GetTokenBucketLimiter(limit.PartitionKey, _ => limit.BucketOptions())
            : RateLimitPartition.GetNoLimiter(""));

    /// <summary>The limit that applies to this request; null when it is not limited.</summary>
    public RequestRateLimit? LimitOf(HttpContext context) => Describe(context, options.CurrentValue);

    static RequestRateLimit? Describe(HttpContext context, TuningOptions options)
    {
        if (context.Items[typeof(Caller)] is not Caller caller) return null;
        // The key's own rate, set by ApiKeyMiddleware; the limit is part of the partition's name, so a changed
        // override (configuration reload) starts a bucket of the new size.
        if (context.Items[typeof(ApiKeyOptions)] is ApiKeyOptions key)
        {
            var perMinute = key.RequestsPerMinute ?? options.RateLimits.RequestsPerMinute;
            return new RequestRateLimit($"key:{key.Key}:{perMinute}", perMinute, "this API key");
        }
        var rate = options.RateLimits.RequestsPerMinute;
        return new RequestRateLimit($"owner:{caller.Owner}:{rate}", rate, $"owner '{caller.Owner}'");
    }

    public void Dispose() => Limiter.Dispose();
}
