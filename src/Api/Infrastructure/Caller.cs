namespace TuningService.Api.Infrastructure;

/// <summary>Who is calling: the owner of the API key (or the single local user when no keys are configured).</summary>
public sealed record Caller(string Owner, bool Admin)
{
    public const string LocalOwner = "local";

    public static Caller From(HttpContext context) =>
        context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("ApiKeyMiddleware did not run.");

    /// <summary>403 unless this is an admin key (or the open single-user mode).</summary>
    /// <param name="action">What was attempted, e.g. "import models".</param>
    public void RequireAdmin(string action)
    {
        if (!Admin)
            throw new ApiException(403, $"Only admins may {action}; this API key is not an admin key.", null, "insufficient_permissions");
    }
}
