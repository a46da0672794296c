using Microsoft.EntityFrameworkCore;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// Cancel and pause reach a running job through a flag its worker polls about once a second; the request waits a
/// little for the worker to act so that its answer can show the new status.
/// </summary>
public static class WorkerAcknowledgement
{
    /// <summary>Polls the job's status until it leaves "running" or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilStoppedAsync(TuningDbContext db, string jobId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var status = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.Status).FirstAsync(ct);
            if (status != JobStatus.Running) return;
            await Task.Delay(250, ct);
        }
    }
}
