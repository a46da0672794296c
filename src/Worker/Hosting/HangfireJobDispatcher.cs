using Hangfire;
using Hangfire.States;
using Npgsql;
using TuningService.Core.Persistence;
using TuningService.Core.FineTuning;

namespace TuningService.Worker.Hosting;

/// <summary>Enqueues <see cref="FineTuningJobRunner.RunAsync"/> with the job id; Hangfire supplies the real token.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient client, JobStorage storage) : IJobDispatcher
{
    public string Dispatch(string jobId)
    {
        try
        {
            return Enqueue(jobId);
        }
        catch (BackgroundJobClientException e) when (TransientDatabaseErrors.IsTransient(e))
        {
            // A restarted PostgreSQL leaves Hangfire's pooled connections dead, found one at a time: clear them and
            // try once more. (A server that is still away fails again; the reconciler dispatches the job later.)
            NpgsqlConnection.ClearAllPools();
            return Enqueue(jobId);
        }
    }

    string Enqueue(string jobId) => client.Enqueue<FineTuningJobRunner>(runner => runner.RunAsync(jobId, CancellationToken.None));

    /// <summary>A worker that fetched a job claims its lease within moments; until then its dispatch counts as waiting.</summary>
    static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(30);

    public bool IsWaiting(string dispatchId)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetJobData(dispatchId)?.State;
        if (state == EnqueuedState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName) return true;
        if (state != ProcessingState.StateName) return false;
        // The reconciler only asks about jobs no live lease holds: a dispatch processing for longer than the grace
        // belongs to a worker that died or let the job go; a younger one is about to claim it.
        var started = connection.GetStateData(dispatchId)?.Data.TryGetValue("StartedAt", out var value) == true
            ? Hangfire.Common.JobHelper.DeserializeNullableDateTime(value) : null;
        return started is not null && DateTime.UtcNow - started.Value < ClaimGrace;
    }
}
