using System.Text.Json.Nodes;

namespace TuningService.Api.Tests.Webhooks;

/// <summary>One request the test receiver got, as it came, and what it answered.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, DateTimeOffset ReceivedAt, int Answered)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    public string Type => Json["type"]!.GetValue<string>();
}
