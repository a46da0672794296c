using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TuningService.Core.Configuration;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// `Authorization: Bearer &lt;key&gt;` against `Tuning:ApiKeys`. With no keys configured the service is open and every
/// request acts as the single local user (an admin). Health checks, /metrics (for Prometheus; it holds no ids), the
/// Swagger UI and the dashboard's static files (/ui, which sends the key the user enters with each API call) need no key.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<TuningOptions> options)
{
    readonly List<ApiKeyOptions> keys = options.Value.ApiKeys.Where(k => !string.IsNullOrEmpty(k.Key)).ToList();

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/swagger")
            || path.StartsWithSegments("/ui") || path == "/")
        {
            await next(context);
            return;
        }
        if (keys.Count == 0)
        {
            context.Items[typeof(Caller)] = new Caller(Caller.LocalOwner, Admin: true);
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        var match = presented is null ? null : keys.FirstOrDefault(k => SameKey(k.Key, presented));
        if (match is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            var message = presented is null
                ? "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'."
                : "Incorrect API key provided.";
            await context.Response.WriteAsJsonAsync(OpenAiError.Of(message, "invalid_request_error", null, "invalid_api_key"));
            return;
        }
        context.Items[typeof(Caller)] = new Caller(match.Owner, match.Admin);
        context.Items[typeof(ApiKeyOptions)] = match; // its own rate limit (RateLimits)
        await next(context);
    }

    // Constant-time comparison, so response timing does not leak how much of a key was right.
    static bool SameKey(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}
