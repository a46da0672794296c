using Microsoft.EntityFrameworkCore;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>Dispatching a job and recording the dispatch on its row, so the reconciler can tell a job nobody will run.</summary>
public static class JobDispatch
{
    public static async Task DispatchAsync(TuningDbContext db, IJobDispatcher dispatcher, string jobId, CancellationToken ct)
    {
        // Between the row and this line a crash leaves a job without a dispatch: the reconciler heals it.
        var dispatchId = dispatcher.Dispatch(jobId);
        var now = await DatabaseClock.NowAsync(db, ct);
        await db.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.DispatchId, dispatchId).SetProperty(j => j.DispatchedAt, now), ct);
    }
}
