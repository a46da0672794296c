using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

/// <summary>Keeps everything the trainer reports; optionally runs an action on each metrics call and checkpoint.</summary>
internal sealed class RecordingObserver(
    Action<IReadOnlyList<StepMetrics>>? onMetrics = null, Action<CheckpointRequest>? onCheckpoint = null) : ITrainingObserver
{
    public List<IReadOnlyList<StepMetrics>> MetricsCalls { get; } = [];
    public List<EpochSummary> Epochs { get; } = [];
    public List<EvaluationResult> Evaluations { get; } = [];
    public List<CheckpointRequest> Checkpoints { get; } = [];

    /// <summary>Every call in order, by name and step, to check how the calls interleave.</summary>
    public List<string> Calls { get; } = [];

    public IEnumerable<StepMetrics> Steps => MetricsCalls.SelectMany(c => c);

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        MetricsCalls.Add(steps);
        Calls.Add($"metrics {steps[^1].Step}");
        onMetrics?.Invoke(steps);
    }

    public void OnEpochEnd(EpochSummary summary)
    {
        Epochs.Add(summary);
        Calls.Add($"epoch {summary.Step}");
    }

    public void OnEvaluation(EvaluationResult evaluation)
    {
        Evaluations.Add(evaluation);
        Calls.Add($"evaluation {evaluation.Step}");
    }

    public void OnCheckpoint(CheckpointRequest request)
    {
        Checkpoints.Add(request);
        Calls.Add($"checkpoint {request.Step}");
        onCheckpoint?.Invoke(request);
    }
}
