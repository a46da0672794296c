namespace TuningService.Core.Training;

/// <summary>
/// Receives progress from <see cref="SupervisedTrainer"/>. Calls come between steps, outside any tensor scope,
/// so they may do I/O (database writes, checkpoint saving); the trainer waits for them.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Steps completed since the previous call, in order.</summary>
    void OnMetrics(IReadOnlyList<StepMetrics> steps);

    /// <summary>After an epoch and its validation; the place to save a checkpoint of the model.</summary>
    void OnEpochEnd(EpochSummary summary);
}
