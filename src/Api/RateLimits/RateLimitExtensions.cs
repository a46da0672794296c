using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TuningService.Api.Infrastructure;

namespace TuningService.Api.RateLimits;

/// <summary>
/// Per-key request rates (<see cref="RequestRateLimiter"/>) through ASP.NET Core's rate-limiting middleware, with
/// OpenAI's headers: x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests on every
/// limited response, and on a refusal a 429 in OpenAI's error shape (rate_limit_exceeded) with retry-after.
/// </summary>
public static class RateLimitExtensions
{
    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<RequestRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RequestRateLimiter>((o, limiter) =>
        {
            o.GlobalLimiter = limiter.Limiter;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (rejected, ct) => RefuseAsync(rejected.HttpContext, rejected.Lease, limiter, ct);
        });
        return services;
    }

    /// <summary>After the key middleware: the limit is the caller's.</summary>
    public static IApplicationBuilder UseRequestRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        // Headers on the requests let through: what the caller's bucket holds after this request took its token.
        app.Use((context, next) =>
        {
            var limiter = context.RequestServices.GetRequiredService<RequestRateLimiter>();
            if (limiter.LimitOf(context) is { } limit && limiter.Limiter.GetStatistics(context) is { } statistics)
                WriteHeaders(context.Response, limit, statistics.CurrentAvailablePermits);
            return next(context);
        });
        return app;
    }

    static async ValueTask RefuseAsync(HttpContext context, RateLimitLease lease, RequestRateLimiter limiter, CancellationToken ct)
    {
        var limit = limiter.LimitOf(context)!;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limit.RefillPeriod;
        WriteHeaders(context.Response, limit, remaining: 0);
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var message = $"Rate limit reached for {limit.Whose} on requests per min (RPM): Limit {limit.PerMinute}, Used {limit.PerMinute}, " +
            $"Requested 1. Please try again in {OpenAiDuration.Format(retryAfter)}. The limit is Tuning:RateLimits:RequestsPerMinute " +
            "or the key's RequestsPerMinute.";
        await context.Response.WriteAsJsonAsync(OpenAiError.Of(message, "requests", null, "rate_limit_exceeded"), ct);
    }

    static void WriteHeaders(HttpResponse response, RequestRateLimit limit, long remaining)
    {
        response.Headers["x-ratelimit-limit-requests"] = limit.PerMinute.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-remaining-requests"] = remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-reset-requests"] = OpenAiDuration.Format(limit.UntilFull(remaining));
    }
}
