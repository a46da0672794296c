using Microsoft.EntityFrameworkCore;
using TuningService.Core.Common;
using TuningService.Core.Persistence;

namespace TuningService.Core.Webhooks;

/// <summary>
/// One pass of a worker process over the webhook tables: turns new outbox events into one delivery per interested
/// endpoint of the job's owner, then hands the deliveries that are due to the queue. Every process runs it; the
/// conditional updates let only one of them fan an event out or dispatch a delivery, and a dispatch that nobody
/// finished (the process died after enqueuing, or while sending) lapses and is dispatched again: at least once.
/// </summary>
public sealed class WebhookDispatchCycle(TuningDbContext db, IWebhookDeliveryQueue queue, WebhookOptions options)
{
    const int Batch = 100;

    /// <summary>How long a dispatch holds a delivery: its time in the queue and one attempt, with room to spare.</summary>
    public TimeSpan DispatchLease => TimeSpan.FromSeconds(options.AttemptTimeoutSeconds + 120);

    public async Task RunOnceAsync(CancellationToken ct)
    {
        var events = await db.WebhookEvents.AsNoTracking().Where(e => !e.FannedOut).OrderBy(e => e.CreatedAt)
            .Select(e => e.Id).Take(Batch).ToListAsync(ct);
        foreach (var id in events) await FanOutAsync(id, ct);
        await DispatchDueAsync(ct);
    }

    async Task FanOutAsync(string eventId, CancellationToken ct) =>
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async c =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(c);
            // The claim: one process fans the event out; on PostgreSQL the row stays locked until this commits, and a
            // second process's update then finds it done.
            if (await db.WebhookEvents.Where(e => e.Id == eventId && !e.FannedOut).ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOut, true), c) != 1)
                return;
            var e = await db.WebhookEvents.AsNoTracking().FirstAsync(x => x.Id == eventId, c);
            var owner = await db.Jobs.Where(j => j.Id == e.JobId).Select(j => j.Owner).FirstOrDefaultAsync(c);
            var endpoints = owner is null ? new List<WebhookEndpoint>() : await db.WebhookEndpoints.AsNoTracking().Where(w => w.Owner == owner).ToListAsync(c);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var endpoint in endpoints.Where(w => Wants(w, e.Type)))
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = WebhookIds.New("whdel"), EndpointId = endpoint.Id, EventId = e.Id, Status = WebhookDeliveryStatus.Pending,
                    CreatedAt = Clock.Now(), NextAttemptAt = now,
                });
            await db.SaveChangesAsync(c);
            await transaction.CommitAsync(c);
        }, ct);

    async Task DispatchDueAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.DispatchedUntil == null || d.DispatchedUntil < now))
            .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(Batch).ToListAsync(ct);
        var until = now + (long)DispatchLease.TotalMilliseconds;
        foreach (var id in due)
        {
            var claimed = await db.WebhookDeliveries
                .Where(d => d.Id == id && d.Status == WebhookDeliveryStatus.Pending && (d.DispatchedUntil == null || d.DispatchedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.DispatchedUntil, until), ct);
            if (claimed == 1) queue.Enqueue(id);
        }
    }

    static bool Wants(WebhookEndpoint endpoint, string type) =>
        endpoint.EventTypes is null || endpoint.EventTypes.Split(' ').Contains(type);
}
