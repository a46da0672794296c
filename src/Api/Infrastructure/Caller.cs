namespace TuningService.Api.Infrastructure;

/// <summary>Who is calling: the owner of the API key (or the single local user when no keys are configured).</summary>
public sealed record Caller(string Owner, bool Admin)
{
    public const string LocalOwner = "local";

    public static Caller From(HttpContext context) =>
        context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("ApiKeyMiddleware did not run.");
}
