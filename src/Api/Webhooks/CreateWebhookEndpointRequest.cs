namespace TuningService.Api.Webhooks;

/// <summary>POST /v1/webhook_endpoints.</summary>
/// <param name="Url">Where events are POSTed: an http or https URL on a public address.</param>
/// <param name="EventTypes">The event types to send; all of them when left out.</param>
public sealed record CreateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? EventTypes);
