using System.Diagnostics;
using TuningService.Bench.ServiceHarness;

namespace TuningService.Bench.QueueLatencyBench;

/// <summary>
/// Creates a short job and polls it every <see cref="PollInterval"/> until it trains, then cancels it and waits
/// until it has stopped, so the next job finds the worker free. The resolution is the poll interval plus one GET
/// (a few milliseconds on loopback): the job's own timestamps (created_at, event times) are whole seconds.
/// </summary>
public sealed class QueueProbe(TuningClient client, string trainingFileId)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public async Task<QueueRun> MeasureAsync(string mode, int run, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        // One epoch of the 200-example sample at batch 8: 25 steps, the first report after 10.
        var jobId = await client.CreateJobAsync(trainingFileId, epochs: 1, batchSize: 8);
        TimeSpan? toTraining = null;
        while (true)
        {
            var job = await client.GetJobAsync(jobId);
            var elapsed = clock.Elapsed;
            var step = TuningClient.Step(job);
            toTraining ??= TuningClient.Phase(job) == "training" || step > 0 ? elapsed : null;
            if (step > 0)
            {
                await client.CancelAsync(jobId, TimeSpan.FromMinutes(1));
                // Let the worker's Hangfire job finish after the cancellation, so the next job does not wait for it.
                await Task.Delay(TimeSpan.FromSeconds(1));
                return new QueueRun(mode, run, toTraining ?? elapsed, elapsed);
            }
            if (TuningClient.IsTerminal(job))
                throw new InvalidOperationException($"Job {jobId} ended before training: {job.ToJsonString()}");
            if (elapsed > timeout)
                throw new TimeoutException($"Job {jobId} not training after {timeout}: {job.ToJsonString()}");
            await Task.Delay(PollInterval);
        }
    }
}
