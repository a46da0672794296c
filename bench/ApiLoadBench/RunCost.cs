namespace TuningService.Bench.ApiLoadBench;

/// <summary>
/// What one measurement cost in CPU and memory, per request: the API's request handling (its threads at nice 0), the
/// trainer beside it (its niced threads), and this load generator, which shares the machine's cores with both.
/// Less sensitive to other work on a shared machine than the latencies are.
/// </summary>
/// <param name="ServerCpuMsPerRequest">The API's nice-0 threads (Kestrel, the request pipeline, EF Core, SQLite, its GC).</param>
/// <param name="TrainerCores">The niced threads' CPU seconds per second of the run: the trainer's share of the cores.</param>
/// <param name="TrainerThreads">How many niced threads the API had at the end of the run.</param>
/// <param name="ServerWaitMsPerRequest">Time the API's nice-0 threads waited for a core (runnable, not running), per request.</param>
/// <param name="GeneratorCpuMsPerRequest">This process (the generator; the API's log lines it copies are included).</param>
/// <param name="GeneratorKbPerRequest">Bytes this process allocated, per request, in KiB.</param>
/// <param name="GeneratorWaitMsPerRequest">Time this process's threads waited for a core, per request.</param>
/// <param name="GeneratorGcPauseMs">Time this process spent paused for its own garbage collections during the run.</param>
public sealed record RunCost(double ServerCpuMsPerRequest, double ServerWaitMsPerRequest, double TrainerCores, int TrainerThreads,
    double GeneratorCpuMsPerRequest, double GeneratorKbPerRequest, double GeneratorWaitMsPerRequest, double GeneratorGcPauseMs)
{
    public override string ToString() =>
        $"API {ServerCpuMsPerRequest:F3} CPU ms/request, {ServerWaitMsPerRequest:F3} ms/request waiting for a core " +
        $"(trainer {TrainerCores:F2} cores on {TrainerThreads} niced threads); generator {GeneratorCpuMsPerRequest:F3} CPU ms/request, " +
        $"{GeneratorKbPerRequest:F1} KiB allocated/request, {GeneratorWaitMsPerRequest:F3} ms/request waiting for a core, GC pauses {GeneratorGcPauseMs:F0} ms";
}
