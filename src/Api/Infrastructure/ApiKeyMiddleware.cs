using System.Security.Cryptography;
using System.Text;
using TuningService.Api.Security;
using TuningService.Core.Configuration;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// `Authorization: Bearer &lt;key&gt;` against `Tuning:ApiKeys`, as they are now (<see cref="ActiveApiKeys"/>: a reload of the
/// configuration rotates them). With no keys every request acts as the single local user (an admin), from loopback
/// only unless `Tuning:AllowAnonymous` (<see cref="AnonymousAccess"/>). Health checks, /metrics (for Prometheus; it holds no ids), the
/// Swagger UI and the dashboard's static files (/ui, which sends the key the user enters with each API call) need no key.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ActiveApiKeys activeKeys, TuningOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/swagger")
            || path.StartsWithSegments("/ui") || path == "/")
        {
            await next(context);
            return;
        }
        var keys = activeKeys.Current;
        if (keys.Count == 0)
        {
            if (!AnonymousAccess.Allows(context.Connection, options.AllowAnonymous))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(OpenAiError.Of("This service has no API keys and serves anonymous callers " +
                    "from its own machine only. Ask its operator for a key (Tuning:ApiKeys), or to set Tuning:AllowAnonymous=true.",
                    "invalid_request_error", null, "anonymous_access_disabled"));
                return;
            }
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
