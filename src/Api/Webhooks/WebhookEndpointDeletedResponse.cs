namespace TuningService.Api.Webhooks;

public sealed record WebhookEndpointDeletedResponse(string Id)
{
    public string Object => "webhook_endpoint.deleted";
    public bool Deleted => true;
}
