using Hangfire;
using TuningService.Core.Webhooks;

namespace TuningService.Worker.Webhooks;

/// <summary>
/// The Hangfire job of one delivery attempt: only the delivery's id travels through Hangfire. No Hangfire retries:
/// the retry schedule is the delivery's own (in the database), and a run that failed is dispatched again when its
/// dispatch lease lapses.
/// </summary>
public sealed class WebhookDeliveryJob(WebhookDeliveryRunner runner)
{
    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(string deliveryId, CancellationToken ct) => runner.DeliverAsync(deliveryId, ct);
}
