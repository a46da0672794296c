using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>Keeps the step metrics a calibration run reports; ignores everything else (no checkpoints are saved).</summary>
internal sealed class StepMetricsRecorder : ITrainingObserver
{
    public List<StepMetrics> Steps { get; } = [];

    public void OnMetrics(IReadOnlyList<StepMetrics> steps) => Steps.AddRange(steps);

    public void OnEpochEnd(EpochSummary summary) { }
}
