using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// What a job will train: "auto" resolved (with the reasons), the trainer's options and the step and token counts.
/// The worker and the dry run make it the same way (<see cref="FineTuningRecipe.PlanTraining"/>).
/// </summary>
public sealed record TrainingPlan(ResolvedHyperparameters Hyper, IReadOnlyList<string> Explanations, TrainingOptions Options, int TotalSteps, long TrainedTokens)
{
    /// <summary>The memory plan the options were chosen by; null when the model's shapes could not be read.</summary>
    public Memory.MemoryPlan? Memory { get; init; }
}
