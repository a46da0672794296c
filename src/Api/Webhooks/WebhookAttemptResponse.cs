using TuningService.Core.Persistence;

namespace TuningService.Api.Webhooks;

/// <summary>One try of a delivery: when, the receiver's status (or the error when none came) and how long it took.</summary>
public sealed record WebhookAttemptResponse(int Attempt, long AttemptedAt, int? StatusCode, string? Error, int DurationMs)
{
    public static WebhookAttemptResponse From(WebhookAttempt a) => new(a.Number, a.AttemptedAt, a.StatusCode, a.Error, a.DurationMs);
}
