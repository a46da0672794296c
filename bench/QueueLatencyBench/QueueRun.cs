namespace TuningService.Bench.QueueLatencyBench;

/// <summary>One job's way from creation to training, timed by the client.</summary>
/// <param name="ToTraining">From sending POST /v1/fine_tuning/jobs until GET shows progress.phase "training" (set just before the first step).</param>
/// <param name="ToFirstReport">Until progress.step is above 0: the trainer's first report (after its first metrics interval, 10 steps by default).</param>
public sealed record QueueRun(string Mode, int Run, TimeSpan ToTraining, TimeSpan ToFirstReport);
