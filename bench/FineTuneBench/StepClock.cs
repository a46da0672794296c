using System.Diagnostics;
using TuningService.Core.Training;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// Notes when each step's metrics arrive and its loss. With MetricsInterval 1 on the CPU the trainer reports every
/// step as it ends (LibTorch's CPU ops run synchronously, so reading the loss waits for nothing).
/// </summary>
public sealed class StepClock : ITrainingObserver
{
    private readonly Dictionary<int, long> _endedAt = [];

    public List<double> Losses { get; } = [];

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var now = Stopwatch.GetTimestamp();
        foreach (var step in steps)
        {
            _endedAt[step.Step] = now;
            Losses.Add(step.TrainLoss);
        }
    }

    public void OnEpochEnd(EpochSummary summary) { }

    /// <summary>Seconds from the end of step <paramref name="from"/> to the end of step <paramref name="to"/>.</summary>
    public double SecondsBetween(int from, int to) =>
        Stopwatch.GetElapsedTime(_endedAt[from], _endedAt[to]).TotalSeconds;
}
