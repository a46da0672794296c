using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Embedded mode keeps Hangfire's queue in memory, so a restart forgets it. The database still knows which jobs
/// were queued or running: hand them to the worker again. (With PostgreSQL storage Hangfire's queue survives.)
/// </summary>
public sealed class PendingJobsRedispatcher(IServiceScopeFactory scopes, IJobDispatcher dispatcher, ILogger<PendingJobsRedispatcher> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var pending = await db.Jobs
            .Where(j => j.Status == JobStatus.ValidatingFiles || j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
            .OrderBy(j => j.CreatedAt).ToListAsync(cancellationToken);
        foreach (var job in pending)
        {
            // This process is the only worker in embedded mode: a lease left by the previous process is stale.
            job.LeaseOwner = null;
            job.LeaseExpiresAt = null;
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var job in pending)
        {
            dispatcher.Dispatch(job.Id);
            logger.LogInformation("Re-dispatched {JobId} ({Status}) after a restart", job.Id, job.Status);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
