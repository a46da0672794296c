using TuningService.Core.Common;
using TuningService.Core.Persistence;

namespace TuningService.Core.Webhooks;

/// <summary>
/// Where events enter: a row added to the caller's context, so it commits or rolls back with the change it
/// reports. The worker processes fan it out to endpoints and deliver it (<see cref="WebhookDispatchCycle"/>).
/// </summary>
public static class WebhookOutbox
{
    public static WebhookEvent Add(TuningDbContext db, string type, string jobId, string? checkpointId = null)
    {
        var row = new WebhookEvent { Id = WebhookIds.New("evt"), Type = type, JobId = jobId, CheckpointId = checkpointId, CreatedAt = Clock.Now() };
        db.WebhookEvents.Add(row);
        return row;
    }
}
