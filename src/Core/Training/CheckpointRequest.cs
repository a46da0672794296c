namespace TuningService.Core.Training;

/// <summary>
/// The trainer's offer to checkpoint, made through <see cref="ITrainingObserver.OnCheckpoint"/> at a step boundary.
/// During the call the model holds the weights after <see cref="Step"/> in full precision (fp32 master weights
/// under bf16): save them, then call <see cref="SaveTrainingState"/> for what a resume needs besides them.
/// </summary>
public sealed class CheckpointRequest
{
    private readonly Action<string> _saveTrainingState;

    internal CheckpointRequest(CheckpointReason reason, TrainerState state, StepMetrics? lastStep, EvaluationResult? evaluation,
        EpochSummary? epochSummary, TrainingStopReason? stopReason, Action<string> saveTrainingState)
    {
        Reason = reason;
        Step = state.Step;
        Epoch = state.Epoch;
        LastStep = lastStep;
        Evaluation = evaluation;
        EpochSummary = epochSummary;
        BestValidationLoss = state.BestValidationLoss;
        BestStep = state.BestStep;
        StopReason = stopReason;
        _saveTrainingState = saveTrainingState;
    }

    public CheckpointReason Reason { get; }

    /// <summary>Optimizer steps completed, counted from 1 across epochs.</summary>
    public int Step { get; }

    public int Epoch { get; }

    /// <summary>The metrics of the last step reported (step <see cref="Step"/>, or an earlier one after a resume
    /// that has not trained yet); null when none has been reported in this call.</summary>
    public StepMetrics? LastStep { get; }

    /// <summary>The evaluation after this step, or null when none ran at this step.</summary>
    public EvaluationResult? Evaluation { get; }

    /// <summary>Set when this step ended an epoch.</summary>
    public EpochSummary? EpochSummary { get; }

    /// <summary>These weights have the lowest validation loss of the run so far. False when no evaluation ran at
    /// this step: weights that were not evaluated are never called best.</summary>
    public bool IsBest => Evaluation?.IsBest == true;

    public double? BestValidationLoss { get; }

    public int? BestStep { get; }

    /// <summary>For <see cref="CheckpointReason.Final"/> and <see cref="CheckpointReason.Cancelled"/>: why the run ends.</summary>
    public TrainingStopReason? StopReason { get; }

    /// <summary>
    /// Writes the optimizer state (<c>optimizer.pt</c>, or <c>optimizer_8bit.safetensors</c> for AdamW8bit) and <c>trainer_state.json</c> into <paramref name="folder"/> (created if needed;
    /// the state file last). Only valid during the <see cref="ITrainingObserver.OnCheckpoint"/> call. Save the model
    /// first when the model writer replaces whole folders and this folder is inside the model's.
    /// </summary>
    public void SaveTrainingState(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _saveTrainingState(folder);
    }
}
