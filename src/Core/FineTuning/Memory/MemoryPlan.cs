namespace TuningService.Core.FineTuning.Memory;

/// <summary>
/// A job's memory plan: the estimate as it will run, the limit it was held to, the settings the plan chose
/// (checkpointing when "auto", the C heap's mode, the loss's chunks) and, when it does not fit, what would.
/// </summary>
/// <param name="Estimate">The peak with the chosen settings.</param>
/// <param name="LimitBytes">Tuning:WorkerMemoryBytes, or the machine's memory less a margin.</param>
/// <param name="Suggestion">When the estimate exceeds the limit: the settings that would fit, computed, or what comes nearest.</param>
/// <param name="SuggestionParam">The first hyperparameter the suggestion changes (the 400's param).</param>
/// <param name="Explanations">The lines the job's events carry: the estimate, the limit and each choice with its reason.</param>
public sealed record MemoryPlan(MemoryEstimate Estimate, long LimitBytes, bool GradientCheckpointing, bool KeepFreedMemory, int LossChunkPositions,
    string? Suggestion, string? SuggestionParam, IReadOnlyList<string> Explanations)
{
    public bool Fits => Estimate.PeakBytes <= LimitBytes;
}
