using System.Text.Json.Serialization;
using TuningService.Core.Persistence;

namespace TuningService.Api.Webhooks;

/// <summary>A registered endpoint. <see cref="Secret"/> is set only in the answer to its creation.</summary>
public sealed record WebhookEndpointResponse(string Id, string Url, IReadOnlyList<string>? EventTypes, long CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
{
    public string Object => "webhook_endpoint";

    public static WebhookEndpointResponse From(WebhookEndpoint e, bool withSecret = false) =>
        new(e.Id, e.Url, e.EventTypes?.Split(' '), e.CreatedAt, withSecret ? e.Secret : null);
}
