namespace TuningService.Core.Persistence;

/// <summary>
/// A URL an owner registered to be told of their jobs' events (see src/Core/Webhooks). The signing secret is kept
/// as is: an HMAC needs the key itself, so it cannot be hashed like a password. It is guarded as the rest of the
/// database is (the same credentials protect the jobs and files), returned once when the endpoint is created and
/// never again, and never logged.
/// </summary>
public sealed class WebhookEndpoint
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public required string Url { get; init; }
    public required string Secret { get; init; }

    /// <summary>Event types this endpoint wants, space-separated; null for all of them.</summary>
    public string? EventTypes { get; init; }

    public long CreatedAt { get; init; }
}
