using System.Diagnostics;
using TuningService.Core.Training;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// Notes when each step's metrics arrive, the process's CPU time and resident memory then, and the step's loss. With MetricsInterval 1
/// on the CPU the trainer reports every step as it ends (LibTorch's CPU ops run synchronously, so reading the loss
/// waits for nothing).
/// </summary>
public sealed class StepClock : ITrainingObserver
{
    private readonly Dictionary<int, (long Wall, TimeSpan Cpu)> _endedAt = [];

    public List<double> Losses { get; } = [];

    /// <summary>VmRSS after each step, to tell a one-off peak from memory that grows step by step.</summary>
    public List<double> ResidentMiB { get; } = [];

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var now = (Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime);
        foreach (var step in steps)
        {
            _endedAt[step.Step] = now;
            Losses.Add(step.TrainLoss);
        }
        ResidentMiB.Add(ProcessMemory.ResidentMb());
    }

    public void OnEpochEnd(EpochSummary summary) { }

    /// <summary>Wall seconds of each step after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public double[] StepSeconds(int from, int to) =>
        [.. Enumerable.Range(from + 1, to - from).Select(s => Stopwatch.GetElapsedTime(_endedAt[s - 1].Wall, _endedAt[s].Wall).TotalSeconds)];

    /// <summary>CPU seconds (all threads) the process used from the end of step <paramref name="from"/> to the end of <paramref name="to"/>.</summary>
    public double CpuSeconds(int from, int to) => (_endedAt[to].Cpu - _endedAt[from].Cpu).TotalSeconds;
}
