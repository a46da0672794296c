using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using TuningService.Core.Persistence;
using TuningService.Core.Webhooks;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A job's state machine: the one table of allowed status changes, and the only code that writes a job's status
/// or phase. Each change is one conditional update (<c>WHERE status IN (allowed sources)</c>), so two writers
/// racing cannot produce a change the table forbids — a worker cannot write <c>succeeded</c> over
/// <c>cancelled</c>, whatever the timing. The API handlers and the worker use it alike.
/// </summary>
public static class JobTransitions
{
    /// <summary>From each status, the statuses a job may move to. Terminal statuses lead nowhere.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Table = new Dictionary<string, IReadOnlySet<string>>
    {
        [JobStatus.ValidatingFiles] = Set(JobStatus.Queued, JobStatus.Running, JobStatus.Paused, JobStatus.Cancelled, JobStatus.Failed),
        [JobStatus.Queued] = Set(JobStatus.Running, JobStatus.Paused, JobStatus.Cancelled, JobStatus.Failed),
        // queued again: its worker stopped cleanly (shutdown, database outage) and any worker may continue it.
        // running again: a new worker took over a lapsed lease.
        [JobStatus.Running] = Set(JobStatus.Running, JobStatus.Queued, JobStatus.Paused, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled),
        [JobStatus.Paused] = Set(JobStatus.Queued, JobStatus.Cancelled),
        [JobStatus.Succeeded] = Set(),
        [JobStatus.Failed] = Set(),
        [JobStatus.Cancelled] = Set(),
    };

    public static bool IsAllowed(string from, string to) => Table.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>The statuses from which <paramref name="to"/> may be reached.</summary>
    public static string[] Sources(string to) => Table.Where(t => t.Value.Contains(to)).Select(t => t.Key).ToArray();

    /// <summary>Statuses a worker may take a job in: unfinished and not paused.</summary>
    public static readonly string[] Runnable = [JobStatus.ValidatingFiles, JobStatus.Queued, JobStatus.Running];

    /// <summary>
    /// A job some worker should run and none holds: runnable, with no lease or one that lapsed by the database's
    /// clock (<paramref name="now"/>, see <see cref="DatabaseClock"/>). The claim, the reconciler and the API's
    /// direct cancel and pause all use this one condition.
    /// </summary>
    public static Expression<Func<FineTuningJob, bool>> Unheld(long now) =>
        j => Runnable.Contains(j.Status) && (j.LeaseOwner == null || j.LeaseExpiresAt < now);

    /// <summary>
    /// Moves the job to <paramref name="to"/> if the table allows it from its current status and
    /// <paramref name="condition"/> holds, setting <paramref name="also"/> in the same update. Leaving
    /// <c>running</c> clears the phase. Returns whether the job moved.
    /// </summary>
    /// <remarks>
    /// A move that a webhook reports (<see cref="JobWebhookEvents"/>) adds the event to the outbox in the same
    /// transaction, so a process that dies right after the change cannot lose the event: inside a caller's
    /// transaction (the worker's fenced writes, which save and commit) the row joins it; otherwise this method opens
    /// one of its own around the update and the row.
    /// </remarks>
    public static async Task<bool> MoveAsync(TuningDbContext db, string jobId, string to, CancellationToken ct,
        Action<UpdateSettersBuilder<FineTuningJob>>? also = null, Expression<Func<FineTuningJob, bool>>? condition = null)
    {
        var eventType = JobWebhookEvents.ForStatus(to);
        if (eventType is null || db.Database.CurrentTransaction is not null)
        {
            var moved = await UpdateAsync(db, jobId, to, also, condition, ct);
            if (moved && eventType is not null) WebhookOutbox.Add(db, eventType, jobId);
            return moved;
        }
        WebhookEvent? outboxRow = null;
        // A retrying execution strategy (PostgreSQL) allows a transaction only inside it, and may run this again.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async c =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(c);
            var moved = await UpdateAsync(db, jobId, to, also, condition, c);
            if (moved)
            {
                if (outboxRow is null) outboxRow = WebhookOutbox.Add(db, eventType, jobId);
                else db.Entry(outboxRow).State = EntityState.Added; // an earlier try was rolled back
                await db.SaveChangesAsync(c);
            }
            else if (outboxRow is not null) db.Entry(outboxRow).State = EntityState.Detached;
            await transaction.CommitAsync(c);
            return moved;
        }, ct);
    }

    static async Task<bool> UpdateAsync(TuningDbContext db, string jobId, string to, Action<UpdateSettersBuilder<FineTuningJob>>? also,
        Expression<Func<FineTuningJob, bool>>? condition, CancellationToken ct)
    {
        var sources = Sources(to);
        var query = db.Jobs.Where(j => j.Id == jobId && sources.Contains(j.Status));
        if (condition is not null) query = query.Where(condition);
        return await query.ExecuteUpdateAsync(s =>
        {
            s.SetProperty(j => j.Status, to);
            // Phases describe a running job; a stopped one has none, and no ETA.
            if (to != JobStatus.Running) s.SetProperty(j => j.Phase, (string?)null).SetProperty(j => j.EstimatedFinish, (long?)null);
            if (JobStatus.IsTerminal(to)) s.SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (long?)null);
            also?.Invoke(s);
        }, ct) == 1;
    }

    /// <summary>Sets what a running job is doing now (see <see cref="JobPhase"/>); a job that is not running has no phase.</summary>
    public static Task SetPhaseAsync(TuningDbContext db, string jobId, string phase, CancellationToken ct) =>
        db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running).ExecuteUpdateAsync(s => s.SetProperty(j => j.Phase, phase), ct);

    static IReadOnlySet<string> Set(params string[] statuses) => new HashSet<string>(statuses);
}
