using Microsoft.EntityFrameworkCore;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// The job queries the API runs most, as compiled queries: translating the LINQ on every call (expression tree built,
/// closure values extracted, query cache looked up) was about 7% of a job GET's CPU and a quarter of the job list
/// handler's under bench/ApiLoadBench.
/// </summary>
public static class JobQueries
{
    /// <summary>A job by id and owner, untracked (GET of a job; every job endpoint checks the owner with it).</summary>
    public static readonly CompiledQueryPerModel<Func<TuningDbContext, string, string, CancellationToken, Task<FineTuningJob?>>> Owned = new(() =>
        EF.CompileAsyncQuery((TuningDbContext db, string id, string owner, CancellationToken ct) =>
            db.Jobs.AsNoTracking().FirstOrDefault(j => j.Id == id && j.Owner == owner)));

    /// <summary>The owner's newest jobs, newest first (ties by id, descending): the first page of the list.</summary>
    public static readonly CompiledQueryPerModel<Func<TuningDbContext, string, int, IAsyncEnumerable<FineTuningJob>>> Newest = new(() =>
        EF.CompileAsyncQuery((TuningDbContext db, string owner, int take) =>
            db.Jobs.AsNoTracking().Where(j => j.Owner == owner)
                .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(take)));

    /// <summary>The owner's jobs that come after a cursor job (created before it, or at the same second with a lower id), in list order.</summary>
    public static readonly CompiledQueryPerModel<Func<TuningDbContext, string, long, string, int, IAsyncEnumerable<FineTuningJob>>> After = new(() =>
        EF.CompileAsyncQuery((TuningDbContext db, string owner, long cursorCreatedAt, string cursorId, int take) =>
            db.Jobs.AsNoTracking()
                .Where(j => j.Owner == owner && (j.CreatedAt < cursorCreatedAt || (j.CreatedAt == cursorCreatedAt && string.Compare(j.Id, cursorId) < 0)))
                .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(take)));
}
