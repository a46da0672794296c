using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

/// <summary>Keeps everything the trainer reports; optionally runs an action on each metrics call.</summary>
internal sealed class RecordingObserver(Action<IReadOnlyList<StepMetrics>>? onMetrics = null) : ITrainingObserver
{
    public List<IReadOnlyList<StepMetrics>> MetricsCalls { get; } = [];
    public List<EpochSummary> Epochs { get; } = [];
    public IEnumerable<StepMetrics> Steps => MetricsCalls.SelectMany(c => c);

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        MetricsCalls.Add(steps);
        onMetrics?.Invoke(steps);
    }

    public void OnEpochEnd(EpochSummary summary) => Epochs.Add(summary);
}
