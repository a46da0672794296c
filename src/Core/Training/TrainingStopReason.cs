namespace TuningService.Core.Training;

/// <summary>Why <see cref="SupervisedTrainer.Train"/> returned.</summary>
public enum TrainingStopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>The validation loss stopped improving (<see cref="TrainingOptions.EarlyStoppingPatience"/>).</summary>
    EarlyStopping,

    /// <summary>The cancellation token fired; the model holds the weights of the last completed step.</summary>
    Cancelled,
}
