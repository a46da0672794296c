using System.Diagnostics;

namespace TuningService.Bench.ApiLoadBench;

/// <summary>Takes the API's and this process's CPU, allocation and GC counters at the start of a run; <see cref="Stop"/> gives the difference.</summary>
public sealed class CostMeter
{
    private readonly int apiPid;
    private readonly ProcessCpu api;
    private readonly ProcessCpu generatorThreads;
    private readonly TimeSpan generatorCpu;
    private readonly long generatorAllocated;
    private readonly TimeSpan generatorPause;
    private readonly long started;

    private CostMeter(int apiPid)
    {
        this.apiPid = apiPid;
        api = ProcessCpu.Read(apiPid);
        generatorThreads = ProcessCpu.Read(Environment.ProcessId);
        generatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
        generatorAllocated = GC.GetTotalAllocatedBytes(precise: true);
        generatorPause = GC.GetTotalPauseDuration();
        started = Stopwatch.GetTimestamp();
    }

    public static CostMeter Start(int apiPid) => new(apiPid);

    public RunCost Stop(int requests)
    {
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var apiNow = ProcessCpu.Read(apiPid);
        var generatorNow = ProcessCpu.Read(Environment.ProcessId);
        var generator = (Process.GetCurrentProcess().TotalProcessorTime - generatorCpu).TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - generatorAllocated;
        return new RunCost(
            apiNow.NormalSecondsSince(api) * 1000 / requests, apiNow.NormalWaitSecondsSince(api) * 1000 / requests,
            apiNow.NicedSecondsSince(api) / wall, apiNow.NicedThreads,
            generator / requests, allocated / 1024.0 / requests, generatorNow.NormalWaitSecondsSince(generatorThreads) * 1000 / requests,
            (GC.GetTotalPauseDuration() - generatorPause).TotalMilliseconds);
    }
}
