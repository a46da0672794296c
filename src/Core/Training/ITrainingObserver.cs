namespace TuningService.Core.Training;

/// <summary>
/// Receives progress from <see cref="SupervisedTrainer"/>. Calls come between steps, outside any tensor scope,
/// so they may do I/O (database writes, checkpoint saving); the trainer waits for them. At a step with several
/// duties the order is: <see cref="OnMetrics"/>, <see cref="OnEvaluation"/>, <see cref="OnEpochEnd"/>,
/// <see cref="OnCheckpoint"/>. The newer members have empty defaults so that observers opt in.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Steps completed since the previous call, in order.</summary>
    void OnMetrics(IReadOnlyList<StepMetrics> steps);

    /// <summary>After an epoch and its validation.</summary>
    void OnEpochEnd(EpochSummary summary);

    /// <summary>Before an evaluation on the validation examples starts (it may take a while: progress can say so).</summary>
    void OnEvaluationStarting(int step)
    {
    }

    /// <summary>After each evaluation on the validation examples (see <see cref="TrainingOptions.EvalEverySteps"/>).</summary>
    void OnEvaluation(EvaluationResult evaluation)
    {
    }

    /// <summary>
    /// A point to save the model and, for resuming, the training state (see <see cref="CheckpointRequest"/>):
    /// epoch ends, every <see cref="TrainingOptions.CheckpointEverySteps"/> steps, new best validation losses, the
    /// final step, and cancellation.
    /// </summary>
    void OnCheckpoint(CheckpointRequest request)
    {
    }
}
