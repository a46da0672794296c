using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// Finds jobs that no worker will run and dispatches them again: a job whose row was written but whose dispatch
/// never happened (the API died in between), a job whose dispatch is gone (ran while another worker held the
/// job, or was deleted), and a running job whose worker vanished (its lease lapsed). Run periodically by the
/// workers (see the Worker's ReconcileJobs); dispatching a job twice is harmless (the lease lets one worker run it).
/// </summary>
public sealed class JobReconciler(IServiceScopeFactory scopes, IJobDispatcher dispatcher, ILogger<JobReconciler> logger)
{
    /// <summary>A job this young may still be on its way from the API to the queue.</summary>
    static readonly long DispatchGraceSeconds = 10;

    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var now = await DatabaseClock.NowAsync(db, ct);
        var unheld = await db.Jobs.AsNoTracking().Where(JobTransitions.Unheld(now)).OrderBy(j => j.CreatedAt)
            .Select(j => new { j.Id, j.Status, j.DispatchId, j.DispatchedAt, j.CreatedAt, j.LeaseExpiresAt }).ToListAsync(ct);
        var dispatched = 0;
        foreach (var job in unheld)
        {
            if (job.DispatchId is null && job.CreatedAt > now - DispatchGraceSeconds) continue;
            if (job.DispatchId is not null && dispatcher.IsWaiting(job.DispatchId)) continue;
            var why = job.DispatchId is null ? "it was never handed to a worker"
                : job.LeaseExpiresAt is not null ? "its worker's lease lapsed"
                : "no worker has it queued";
            if (!await JobDispatch.DispatchAsync(db, dispatcher, job.Id, ct)) continue; // the queue is away: next run
            db.JobEvents.Add(JobEvents.Message(job.Id, $"The job was dispatched again: {why}.", "warn"));
            await db.SaveChangesAsync(ct);
            logger.LogWarning("Re-dispatched job {JobId} ({Status}): {Why}", job.Id, job.Status, why);
            dispatched++;
        }
        return dispatched;
    }
}
