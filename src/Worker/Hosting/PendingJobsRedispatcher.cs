using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Embedded mode keeps Hangfire's queue in memory, so a restart forgets it. The database still knows which jobs
/// were queued or running: hand them to the worker again. (With PostgreSQL storage Hangfire's queue survives,
/// and the reconciler heals what it misses.)
/// </summary>
public sealed class PendingJobsRedispatcher(IServiceScopeFactory scopes, IJobDispatcher dispatcher, ILogger<PendingJobsRedispatcher> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var pending = await db.Jobs.Where(j => JobTransitions.Runnable.Contains(j.Status))
            .OrderBy(j => j.CreatedAt).Select(j => new { j.Id, j.Status }).ToListAsync(cancellationToken);
        // This process is the only worker in embedded mode: a lease left by the previous process is stale. Taking
        // it over bumps the generation, so nothing of that process could write again.
        await db.Jobs.Where(j => JobTransitions.Runnable.Contains(j.Status) && j.LeaseOwner != null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (long?)null)
                .SetProperty(j => j.LeaseGeneration, j => j.LeaseGeneration + 1), cancellationToken);
        foreach (var job in pending)
        {
            await JobDispatch.DispatchAsync(db, dispatcher, job.Id, cancellationToken);
            logger.LogInformation("Re-dispatched {JobId} ({Status}) after a restart", job.Id, job.Status);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
