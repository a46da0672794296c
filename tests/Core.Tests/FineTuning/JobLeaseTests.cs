using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Core.Tests.FineTuning;

/// <summary>
/// The fenced lease on a real database: one claim wins, every claim is a new generation, and once another worker
/// (or the API) has taken the job over, the first worker's renewals and writes are refused and it is told to stop.
/// </summary>
public sealed class JobLeaseTests : IDisposable
{
    readonly JobDatabaseFixture database = new();

    [Fact]
    public async Task Of_two_workers_one_claims_and_the_claim_counts_an_attempt_and_a_generation()
    {
        database.AddJob("ftjob-x");
        var a = await database.Lease("ftjob-x", "a").TryClaimAsync(default);
        var b = await database.Lease("ftjob-x", "b").TryClaimAsync(default);

        Assert.Equal(new JobClaim(JobStatus.Queued, 1, 1), a);
        Assert.Null(b);
        var job = database.Job("ftjob-x");
        Assert.Equal(("a", 1L, 1), (job.LeaseOwner, job.LeaseGeneration, job.Attempts));
    }

    [Fact]
    public async Task The_lease_runs_on_the_database_clock()
    {
        database.AddJob("ftjob-x");
        long now = 0;
        database.Use(db => now = DatabaseClock.NowAsync(db, default).GetAwaiter().GetResult());
        await database.Lease("ftjob-x", "a", seconds: 30).TryClaimAsync(default);

        Assert.InRange(database.Job("ftjob-x").LeaseExpiresAt!.Value, now + 29, now + 32);
    }

    [Fact]
    public async Task A_lapsed_lease_is_taken_over_and_the_first_worker_can_neither_renew_nor_write()
    {
        database.AddJob("ftjob-x");
        var first = database.Lease("ftjob-x", "a");
        await first.TryClaimAsync(default);
        await using var firstWrites = new JobDatabase(database.Scopes, database.Retry, first, NullLogger.Instance);
        await firstWrites.WriteAsync((db, _) => { db.JobEvents.Add(JobEvents.Message("ftjob-x", "from a, while it holds the job")); return Task.CompletedTask; });

        // The lease lapses (a worker that stalled or lost the database), and a second worker claims the job.
        database.Use(db => db.Jobs.Where(j => j.Id == "ftjob-x").ExecuteUpdate(s => s.SetProperty(j => j.LeaseExpiresAt, 0L)));
        var second = database.Lease("ftjob-x", "b");
        Assert.Equal(2, (await second.TryClaimAsync(default))!.Generation);

        Assert.False(await first.RenewAsync(default));
        await Assert.ThrowsAsync<LeaseLostException>(() => firstWrites.WriteAsync((db, _) =>
        {
            db.JobEvents.Add(JobEvents.Message("ftjob-x", "from a, after losing the job"));
            return Task.CompletedTask;
        }));
        Assert.True(firstWrites.Stopped.IsCancellationRequested);
        Assert.IsType<LeaseLostException>(firstWrites.StopCause);
        // Queued writes after the loss are refused too, in order.
        firstWrites.Enqueue(db => db.JobEvents.Add(JobEvents.Message("ftjob-x", "queued by a later")));
        await Assert.ThrowsAsync<LeaseLostException>(firstWrites.FlushAsync);

        database.Use(db => Assert.Equal(["from a, while it holds the job"], db.JobEvents.Where(e => e.JobId == "ftjob-x").Select(e => e.Message).ToList()));
        Assert.True(await second.RenewAsync(default));
    }

    [Fact]
    public async Task A_worker_that_held_a_job_cannot_end_it_once_the_api_cancelled_it_directly()
    {
        database.AddJob("ftjob-x");
        var lease = database.Lease("ftjob-x", "a");
        await lease.TryClaimAsync(default);
        await using var writes = new JobDatabase(database.Scopes, database.Retry, lease, NullLogger.Instance);
        await writes.WriteAsync((db, c) => JobTransitions.MoveAsync(db, "ftjob-x", JobStatus.Running, c));

        // The API's direct cancel of a job whose lease lapsed takes it over: a new generation.
        database.Use(db =>
        {
            db.Jobs.Where(j => j.Id == "ftjob-x").ExecuteUpdate(s => s.SetProperty(j => j.LeaseExpiresAt, 0L));
            Assert.True(JobTransitions.MoveAsync(db, "ftjob-x", JobStatus.Cancelled, CancellationToken.None,
                s => s.SetProperty(j => j.LeaseGeneration, j => j.LeaseGeneration + 1), JobTransitions.Unheld(1)).GetAwaiter().GetResult());
        });

        await Assert.ThrowsAsync<LeaseLostException>(() => writes.WriteAsync((db, c) => JobTransitions.MoveAsync(db, "ftjob-x", JobStatus.Succeeded, c)));
        Assert.Equal(JobStatus.Cancelled, database.Job("ftjob-x").Status);
    }

    [Fact]
    public async Task Writes_are_committed_in_the_order_they_were_queued()
    {
        database.AddJob("ftjob-x");
        var lease = database.Lease("ftjob-x", "a");
        await lease.TryClaimAsync(default);
        await using var writes = new JobDatabase(database.Scopes, database.Retry, lease, NullLogger.Instance);
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            writes.Enqueue(db => db.JobEvents.Add(JobEvents.Message("ftjob-x", $"event {n}")));
        }
        await writes.FlushAsync();

        database.Use(db => Assert.Equal(Enumerable.Range(0, 50).Select(n => $"event {n}"),
            db.JobEvents.Where(e => e.JobId == "ftjob-x").OrderBy(e => e.Id).Select(e => e.Message).ToList()));
    }

    public void Dispose() => database.Dispose();
}
