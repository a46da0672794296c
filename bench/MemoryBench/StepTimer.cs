using System.Diagnostics;
using TuningService.Core.Training;

namespace TuningService.Bench.MemoryBench;

/// <summary>When each step ended (MetricsInterval 1 reports every step as it ends on the CPU), printed as it goes: a
/// 1.1B step takes minutes on 2 cores.</summary>
public sealed class StepTimer(MemoryProbe? probe = null) : ITrainingObserver
{
    readonly long _start = Stopwatch.GetTimestamp();

    public List<double> EndedAtSeconds { get; } = [];

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            EndedAtSeconds.Add(Stopwatch.GetElapsedTime(_start).TotalSeconds);
            Console.WriteLine($"step {step.Step}: loss {step.TrainLoss:F3}, {EndedAtSeconds[^1]:F1} s, RSS {ProcessMemory.ResidentMb():F0} MiB, peak {ProcessMemory.PeakResidentMb():F0} MiB");
            probe?.Print();
        }
    }

    public void OnEpochEnd(EpochSummary summary) { }
}
