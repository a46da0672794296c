using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TuningService.Core.Common;
using TuningService.Core.Observability;
using TuningService.Core.Persistence;

namespace TuningService.Core.Webhooks;

/// <summary>
/// One attempt at one delivery, given its id (the Hangfire job's only argument; the state is in the database):
/// sends it, logs the attempt and sets what comes next — delivered, a retry after <see cref="WebhookBackoff"/>, or
/// failed past the give-up horizon. A process that dies mid-attempt leaves the delivery pending; it is dispatched
/// again once its dispatch lease lapses and sent again with the same webhook-id.
/// </summary>
public sealed class WebhookDeliveryRunner(TuningDbContext db, WebhookSender sender, WebhookOptions options, ILogger<WebhookDeliveryRunner> logger)
{
    public async Task DeliverAsync(string deliveryId, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Delivered, given up, deleted with its endpoint, or a stale second dispatch of a delivery already retried.
        if (delivery is null || delivery.Status != WebhookDeliveryStatus.Pending || delivery.NextAttemptAt > nowMs) return;
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == delivery.EndpointId, ct);
        var e = await db.WebhookEvents.AsNoTracking().FirstOrDefaultAsync(x => x.Id == delivery.EventId, ct);
        if (endpoint is null || e is null) return;

        var outcome = await sender.SendAsync(endpoint.Url, endpoint.Secret, e.Id, WebhookEventJson.Serialize(e), ct);
        var number = delivery.Attempts + 1;
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id, Number = number, AttemptedAt = Clock.Now(), StatusCode = outcome.StatusCode,
            Error = outcome.Error, DurationMs = (int)Math.Min(int.MaxValue, outcome.Duration.TotalMilliseconds),
        });
        delivery.Attempts = number;
        delivery.DispatchedUntil = null;
        if (outcome.Delivered) delivery.Status = WebhookDeliveryStatus.Delivered;
        else if (WebhookBackoff.NextAttempt(options, number, e.CreatedAt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) is { } next)
            delivery.NextAttemptAt = next;
        else delivery.Status = WebhookDeliveryStatus.Failed;
        TuningMetrics.WebhookDeliveries.Add(1, TuningMetrics.Outcome(outcome.Kind));
        try
        {
            // Recorded even while the host stops: the attempt happened.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // The endpoint, and so this delivery, was deleted while the attempt was under way: nothing to record.
            if (!await db.WebhookDeliveries.AsNoTracking().AnyAsync(d => d.Id == deliveryId, CancellationToken.None)) return;
            throw;
        }
        if (!outcome.Delivered)
            logger.LogInformation("Webhook {EventId} to endpoint {EndpointId}: attempt {Attempt} failed ({Error}); {Next}", e.Id, endpoint.Id, number,
                outcome.Error, delivery.Status == WebhookDeliveryStatus.Failed ? "giving up" : "will retry");
    }
}
