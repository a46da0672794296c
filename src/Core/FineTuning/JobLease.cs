using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A worker's claim on a job, kept in the job's row and timed by the database's clock. A claim increments the
/// job's lease generation (the fencing token, see <see cref="FineTuningJob.LeaseGeneration"/>); renewals and
/// every write the worker makes (<see cref="JobDatabase"/>) are conditional on it, so once another worker has
/// claimed the job the first can change nothing. A killed worker's lease lapses and the job can be claimed again.
/// </summary>
public sealed class JobLease(IServiceScopeFactory scopes, DatabaseRetry retry, string jobId, string owner, TimeSpan duration)
{
    public TimeSpan Duration { get; } = duration;
    public string JobId { get; } = jobId;
    public string Owner { get; } = owner;

    /// <summary>The generation this worker claimed; 0 before a claim.</summary>
    public long Generation { get; private set; }

    /// <summary>Takes the job if no one holds it (see <see cref="JobTransitions.Unheld"/>); null if it is finished, paused or held.</summary>
    public Task<JobClaim?> TryClaimAsync(CancellationToken ct) => retry.RunAsync(async c =>
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var now = await DatabaseClock.NowAsync(db, c);
        var before = await db.Jobs.AsNoTracking().Where(j => j.Id == JobId).Where(JobTransitions.Unheld(now))
            .Select(j => new { j.Status, j.LeaseGeneration, j.Attempts }).FirstOrDefaultAsync(c);
        if (before is null) return null;
        // Conditional on the generation read: of two workers racing for the same lapsed lease, one wins.
        var claimed = await db.Jobs.Where(j => j.Id == JobId && j.LeaseGeneration == before.LeaseGeneration).Where(JobTransitions.Unheld(now))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, Owner)
                .SetProperty(j => j.LeaseExpiresAt, now + (long)Duration.TotalSeconds)
                .SetProperty(j => j.LeaseGeneration, j => j.LeaseGeneration + 1)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1), c);
        if (claimed != 1) return null;
        Generation = before.LeaseGeneration + 1;
        return new JobClaim(before.Status, before.Attempts + 1, Generation);
    }, ct);

    /// <summary>Extends the lease from the database's now; false when this worker no longer holds the job.</summary>
    public Task<bool> RenewAsync(CancellationToken ct) => retry.RunAsync(async c =>
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var until = await DatabaseClock.NowAsync(db, c) + (long)Duration.TotalSeconds;
        return await db.Jobs.Where(j => j.Id == JobId && j.LeaseGeneration == Generation && j.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), c) == 1;
    }, ct);

    /// <summary>Whether the job's owner asked to cancel or to pause it.</summary>
    public Task<(bool Cancel, bool Pause)> RequestsAsync(CancellationToken ct) => retry.RunAsync(async c =>
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var flags = await db.Jobs.AsNoTracking().Where(j => j.Id == JobId)
            .Select(j => new { j.CancelRequested, j.PauseRequested }).FirstOrDefaultAsync(c);
        return (flags?.CancelRequested ?? false, flags?.PauseRequested ?? false);
    }, ct);

    /// <summary>
    /// Until <paramref name="stop"/> fires: polls the cancel and pause flags about once a second and renews the
    /// lease six times per lease duration. A renewal that finds the lease gone, or a database that stays away past
    /// the retry's tolerance, is handed to <paramref name="onLost"/> and ends the loop; a transient error is
    /// retried (inside <see cref="DatabaseRetry"/>), never a reason to stop.
    /// </summary>
    public async Task KeepAliveAsync(Action onCancel, Action onPause, Action<Exception> onLost, CancellationToken stop)
    {
        var renewEvery = TimeSpan.FromSeconds(Math.Max(1, Duration.TotalSeconds / 6));
        var lastRenewal = DateTime.UtcNow;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
                var (cancel, pause) = await RequestsAsync(stop);
                if (cancel) onCancel();
                else if (pause) onPause();
                if (DateTime.UtcNow - lastRenewal < renewEvery) continue;
                if (!await RenewAsync(stop))
                {
                    onLost(new LeaseLostException(JobId, Generation));
                    return;
                }
                lastRenewal = DateTime.UtcNow;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (DatabaseOutageException e)
        {
            onLost(e);
        }
    }
}
