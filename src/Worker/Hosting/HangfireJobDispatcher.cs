using Hangfire;
using Hangfire.States;
using TuningService.Core.FineTuning;

namespace TuningService.Worker.Hosting;

/// <summary>Enqueues <see cref="FineTuningJobRunner.RunAsync"/> with the job id; Hangfire supplies the real token.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient client, JobStorage storage) : IJobDispatcher
{
    public string Dispatch(string jobId) =>
        client.Enqueue<FineTuningJobRunner>(runner => runner.RunAsync(jobId, CancellationToken.None));

    public bool IsWaiting(string dispatchId)
    {
        using var connection = storage.GetConnection();
        // Processing is not waiting: the reconciler only asks about jobs no live lease holds, so a processing
        // dispatch belongs to a worker that died or let the job go.
        var state = connection.GetJobData(dispatchId)?.State;
        return state == EnqueuedState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName;
    }
}
