namespace TuningService.Core.Training;

/// <summary>
/// Why the trainer offers a checkpoint. A step gets at most one offer; when several reasons apply, the first of
/// Final, Cancelled, EpochEnd, StepInterval, BestValidation is given.
/// </summary>
public enum CheckpointReason
{
    /// <summary>A multiple of <see cref="TrainingOptions.CheckpointEverySteps"/>.</summary>
    StepInterval,

    /// <summary>The end of an epoch (after its evaluation and <see cref="ITrainingObserver.OnEpochEnd"/>).</summary>
    EpochEnd,

    /// <summary>
    /// An evaluation between the other checkpoints beat every earlier validation loss: offered so that the best
    /// weights can always be kept, whatever the two cadences are.
    /// </summary>
    BestValidation,

    /// <summary>The last step of the run: all epochs done, or early stopping (see <see cref="CheckpointRequest.StopReason"/>).</summary>
    Final,

    /// <summary>
    /// The run was cancelled; this is the state after the last completed step (for pause and resume). Offered only
    /// when this call trained at least one step; the step may equal that of the previous checkpoint.
    /// </summary>
    Cancelled,
}
