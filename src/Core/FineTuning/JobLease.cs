using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Common;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A worker's claim on a job, kept in the job's row. Only one worker can hold a live lease, so a job dispatched
/// twice (a Hangfire retry, a re-dispatch after a restart) trains once. The holder renews it while training; a
/// killed worker's lease lapses and the job can be claimed again.
/// </summary>
public sealed class JobLease(IServiceScopeFactory scopes, string jobId, string owner, TimeSpan duration)
{
    public TimeSpan Duration { get; } = duration;

    public string JobId { get; } = jobId;
    public string Owner { get; } = owner;

    /// <summary>Takes the job if it is waiting or its previous holder's lease lapsed. Returns the job's status before the claim, or null if not claimed.</summary>
    public async Task<string?> TryClaimAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var before = await db.Jobs.AsNoTracking().Where(j => j.Id == JobId).Select(j => j.Status).FirstOrDefaultAsync(ct);
        var now = Clock.Now();
        var claimed = await db.Jobs
            .Where(j => j.Id == JobId && (j.Status == JobStatus.ValidatingFiles || j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
                        && (j.LeaseOwner == null || j.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, Owner)
                .SetProperty(j => j.LeaseExpiresAt, now + (long)Duration.TotalSeconds)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1), ct);
        return claimed == 1 ? before : null;
    }

    /// <summary>Extends the lease; false if another worker took the job meanwhile.</summary>
    public async Task<bool> RenewAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var until = Clock.Now() + (long)Duration.TotalSeconds;
        return await db.Jobs.Where(j => j.Id == JobId && j.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), ct) == 1;
    }

    /// <summary>Whether the job's owner asked to cancel or to pause it.</summary>
    public async Task<(bool Cancel, bool Pause)> RequestsAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var flags = await db.Jobs.AsNoTracking().Where(j => j.Id == JobId)
            .Select(j => new { j.CancelRequested, j.PauseRequested }).FirstOrDefaultAsync(ct);
        return (flags?.CancelRequested ?? false, flags?.PauseRequested ?? false);
    }

    public async Task ReleaseAsync()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        await db.Jobs.Where(j => j.Id == JobId && j.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (long?)null));
    }

    /// <summary>
    /// Until <paramref name="stop"/> fires: polls the cancel and pause flags about once a second (cancelling
    /// <paramref name="userCancel"/> or <paramref name="pause"/> when set) and renews the lease every ten seconds.
    /// </summary>
    public async Task KeepAliveAsync(CancellationTokenSource userCancel, CancellationTokenSource pause, CancellationToken stop)
    {
        var lastRenewal = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
                var (cancel, pauseRequested) = await RequestsAsync(stop);
                if (cancel) userCancel.Cancel();
                else if (pauseRequested) pause.Cancel();
                if (DateTime.UtcNow - lastRenewal > Duration / 6)
                {
                    await RenewAsync(stop);
                    lastRenewal = DateTime.UtcNow;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
