using Hangfire;
using TuningService.Core.FineTuning;

namespace TuningService.Worker.Hosting;

/// <summary>Enqueues <see cref="FineTuningJobRunner.RunAsync"/> with the job id; Hangfire supplies the real token.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient client) : IJobDispatcher
{
    public void Dispatch(string jobId) =>
        client.Enqueue<FineTuningJobRunner>(runner => runner.RunAsync(jobId, CancellationToken.None));
}
