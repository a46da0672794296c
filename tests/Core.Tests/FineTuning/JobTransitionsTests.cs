using Microsoft.EntityFrameworkCore;
using TuningService.Core.FineTuning;

namespace TuningService.Core.Tests.FineTuning;

/// <summary>
/// The state table, walked: every (from, to) pair of statuses is tried on a real database row, and the row moves
/// exactly when the table allows it. The table itself is checked against the product's rules.
/// </summary>
public sealed class JobTransitionsTests : IDisposable
{
    static readonly string[] Statuses =
        [JobStatus.ValidatingFiles, JobStatus.Queued, JobStatus.Running, JobStatus.Paused, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    readonly JobDatabaseFixture database = new();

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in Statuses)
            foreach (var to in Statuses)
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task A_job_moves_exactly_when_the_table_allows_it(string from, string to)
    {
        database.AddJob("ftjob-x", from);
        bool moved = false;
        database.Use(db => moved = JobTransitions.MoveAsync(db, "ftjob-x", to, CancellationToken.None).GetAwaiter().GetResult());

        Assert.Equal(JobTransitions.IsAllowed(from, to), moved);
        Assert.Equal(moved ? to : from, database.Job("ftjob-x").Status);
        await Task.CompletedTask;
    }

    [Fact]
    public void The_table_holds_the_rules_of_the_product()
    {
        Assert.Equal(Statuses.Order(), JobTransitions.Table.Keys.Order());
        foreach (var terminal in new[] { JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled })
            Assert.Empty(JobTransitions.Table[terminal]);
        // Only a running job succeeds; a cancelled or paused one never does, whatever a late worker writes.
        Assert.Equal([JobStatus.Running], JobTransitions.Sources(JobStatus.Succeeded));
        Assert.False(JobTransitions.IsAllowed(JobStatus.Paused, JobStatus.Succeeded));
        Assert.False(JobTransitions.IsAllowed(JobStatus.Paused, JobStatus.Running)); // resume queues it first
        Assert.True(JobTransitions.IsAllowed(JobStatus.Running, JobStatus.Queued)); // a graceful stop hands it back
        // Every unfinished status can be cancelled.
        Assert.Equal(Statuses.Where(s => !JobStatus.IsTerminal(s)).Order(), JobTransitions.Sources(JobStatus.Cancelled).Order());
    }

    [Fact]
    public void Leaving_running_clears_the_phase_and_the_estimate_and_a_terminal_status_the_lease()
    {
        database.AddJob("ftjob-x", JobStatus.Running);
        database.Use(db => db.Jobs.Where(j => j.Id == "ftjob-x").ExecuteUpdate(s => s
            .SetProperty(j => j.Phase, JobPhase.Training).SetProperty(j => j.EstimatedFinish, 99L)
            .SetProperty(j => j.LeaseOwner, "w").SetProperty(j => j.LeaseExpiresAt, 99L)));
        database.Use(db => JobTransitions.MoveAsync(db, "ftjob-x", JobStatus.Failed, CancellationToken.None).GetAwaiter().GetResult());

        var job = database.Job("ftjob-x");
        Assert.Equal((JobStatus.Failed, null, null, null, null), (job.Status, job.Phase, job.EstimatedFinish, job.LeaseOwner, job.LeaseExpiresAt));
    }

    [Fact]
    public void A_phase_is_set_only_on_a_running_job()
    {
        database.AddJob("ftjob-r", JobStatus.Running);
        database.AddJob("ftjob-c", JobStatus.Cancelled);
        database.Use(db =>
        {
            JobTransitions.SetPhaseAsync(db, "ftjob-r", JobPhase.Saving, CancellationToken.None).GetAwaiter().GetResult();
            JobTransitions.SetPhaseAsync(db, "ftjob-c", JobPhase.Saving, CancellationToken.None).GetAwaiter().GetResult();
        });
        Assert.Equal(JobPhase.Saving, database.Job("ftjob-r").Phase);
        Assert.Null(database.Job("ftjob-c").Phase);
    }

    public void Dispose() => database.Dispose();
}
