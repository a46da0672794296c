using Microsoft.EntityFrameworkCore;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>Dispatching a job and recording the dispatch on its row, so the reconciler can tell a job nobody will run.</summary>
public static class JobDispatch
{
    /// <summary>
    /// Hands the job to the queue. The job's row is written already: when the queue cannot be reached (its database
    /// restarting), the job is left undispatched for the reconciler, which hands it on within a minute — the same
    /// as a crash between the row and the dispatch — and false is returned; the caller's request still succeeds.
    /// </summary>
    public static async Task<bool> DispatchAsync(TuningDbContext db, IJobDispatcher dispatcher, string jobId, CancellationToken ct)
    {
        string dispatchId;
        try
        {
            dispatchId = dispatcher.Dispatch(jobId);
        }
        catch (Exception e) when (TransientDatabaseErrors.IsTransient(e))
        {
            return false;
        }
        var now = await DatabaseClock.NowAsync(db, ct);
        await db.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.DispatchId, dispatchId).SetProperty(j => j.DispatchedAt, now), ct);
        return true;
    }
}
