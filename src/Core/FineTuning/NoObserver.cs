using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>An observer that ignores everything, for a trainer that is only asked for its plan.</summary>
internal sealed class NoObserver : ITrainingObserver
{
    public static NoObserver Instance { get; } = new();

    public void OnMetrics(IReadOnlyList<StepMetrics> steps) { }

    public void OnEpochEnd(EpochSummary summary) { }
}
