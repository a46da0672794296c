namespace TuningService.Api.Infrastructure;

/// <summary>
/// Every request has an id: the caller's <c>X-Request-Id</c> when it is sane (1 to 128 printable ASCII characters, no
/// spaces), else a new <c>req_…</c> one as OpenAI issues. It is echoed in the <c>x-request-id</c> response header
/// (OpenAI's clients read it) on every answer, errors included, becomes the request's TraceIdentifier, and every line
/// logged while the request runs carries it in a scope (XRequestId; ASP.NET Core's own scope has a RequestId of its
/// connection counter, taken before any middleware runs).
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string Header = "x-request-id";
    const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        var id = Sane(context.Request.Headers[Header].ToString()) ?? $"req_{Guid.NewGuid():N}";
        context.TraceIdentifier = id;
        // Also when the response starts: the exception handler clears the headers before it writes an error.
        context.Response.Headers[Header] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object> { ["XRequestId"] = id }))
            await next(context);
    }

    static string? Sane(string presented) =>
        presented.Length is > 0 and <= MaxLength && presented.All(c => c is > ' ' and <= '~') ? presented : null;
}
