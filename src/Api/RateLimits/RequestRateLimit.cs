using System.Threading.RateLimiting;

namespace TuningService.Api.RateLimits;

/// <summary>The request rate one caller is held to, and the token bucket that enforces it.</summary>
/// <param name="PartitionKey">One bucket per key (or owner) and limit.</param>
/// <param name="PerMinute">Requests per minute: the bucket's size.</param>
/// <param name="Whose">Named in the 429's message: "this API key" or the owner.</param>
public sealed record RequestRateLimit(string PartitionKey, int PerMinute, string Whose)
{
    /// <summary>
    /// Requests given back each refill: at least one, and refills at least a second apart (a timer per bucket; a
    /// minute's requests come back over the minute either way).
    /// </summary>
    public int TokensPerRefill => (PerMinute + 59) / 60;

    public TimeSpan RefillPeriod => TimeSpan.FromMinutes(1) * TokensPerRefill / PerMinute;

    public TokenBucketRateLimiterOptions BucketOptions() => new()
    {
        TokenLimit = PerMinute,
        TokensPerPeriod = TokensPerRefill,
        ReplenishmentPeriod = RefillPeriod,
        AutoReplenishment = true,
        QueueLimit = 0, // past the limit the answer is 429 at once, as OpenAI's; a queued request would hold a connection
    };

    /// <summary>How long until the bucket is full again with <paramref name="remaining"/> requests left: at most this.</summary>
    public TimeSpan UntilFull(long remaining)
    {
        var refills = (PerMinute - remaining + TokensPerRefill - 1) / TokensPerRefill;
        return RefillPeriod * Math.Max(0, refills);
    }
}
