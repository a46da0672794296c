using Hangfire;
using TuningService.Core.Webhooks;

namespace TuningService.Worker.Webhooks;

/// <summary>Deliveries run on a Hangfire queue of their own, so a webhook never waits behind hours of training.</summary>
public sealed class HangfireWebhookDeliveryQueue(IBackgroundJobClient client) : IWebhookDeliveryQueue
{
    public const string Queue = "webhooks";

    public void Enqueue(string deliveryId) => client.Enqueue<WebhookDeliveryJob>(Queue, job => job.RunAsync(deliveryId, CancellationToken.None));
}
