namespace TuningService.Core.Training;

/// <summary>What a call to <see cref="SupervisedTrainer.Train"/> did.</summary>
/// <param name="Epochs">The epochs completed by this call (a resumed run does not repeat earlier ones).</param>
/// <param name="StopDetail">A sentence for people: for early stopping, the losses that decided it.</param>
/// <param name="Step">Optimizer steps completed in the whole run, earlier calls included.</param>
/// <param name="BestValidationLoss">The lowest validation loss of the run, and the step it was measured after;
/// null without validation examples.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochSummary> Epochs,
    TrainingStopReason StopReason,
    string StopDetail,
    int Step,
    double? BestValidationLoss,
    int? BestStep);
