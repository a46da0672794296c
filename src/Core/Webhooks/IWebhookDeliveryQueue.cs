namespace TuningService.Core.Webhooks;

/// <summary>Hands a delivery's id to whatever runs <see cref="WebhookDeliveryRunner.DeliverAsync"/> (Hangfire, in src/Worker).</summary>
public interface IWebhookDeliveryQueue
{
    void Enqueue(string deliveryId);
}
