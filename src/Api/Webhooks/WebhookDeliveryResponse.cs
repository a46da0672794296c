namespace TuningService.Api.Webhooks;

/// <summary>One event sent (or being sent) to an endpoint, with every attempt.</summary>
/// <param name="Id">The delivery's id (whdel_...).</param>
/// <param name="EventId">The event's id, sent as the webhook-id header.</param>
/// <param name="EventType">fine_tuning.job.succeeded, ...</param>
/// <param name="JobId">The job the event is about.</param>
/// <param name="CreatedAt">Unix seconds when the delivery was created.</param>
/// <param name="Status">pending, delivered or failed (retries gave up after Tuning:Webhooks:GiveUpAfterSeconds).</param>
/// <param name="NextAttemptAt">Unix seconds of the next try while pending.</param>
/// <param name="Attempts">Every try so far, the first first.</param>
public sealed record WebhookDeliveryResponse(string Id, string EventId, string EventType, string JobId, long CreatedAt, string Status,
    long? NextAttemptAt, IReadOnlyList<WebhookAttemptResponse> Attempts)
{
    public string Object => "webhook_delivery";
}
