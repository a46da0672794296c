using TuningService.Core.FineTuning.Memory;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// A dry run's memory plan (extension): the estimated peak resident memory of the job's worker, the phase it falls
/// in (loading or training), each phase's named terms with their formulas, the limit (Tuning:WorkerMemoryBytes or the
/// machine's memory less a margin), the settings the plan chose, and what would fit when it does not.
/// </summary>
public sealed record MemoryPlanResponse(long EstimatedPeakBytes, string PeakPhase, long LimitBytes, bool Fits, bool GradientCheckpointing,
    bool KeepFreedMemory, int LossChunkPositions, IReadOnlyList<MemoryTerm> Training, IReadOnlyList<MemoryTerm> Loading, string? Suggestion)
{
    public static MemoryPlanResponse From(MemoryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new MemoryPlanResponse(plan.Estimate.PeakBytes, plan.Estimate.PeakPhase, plan.LimitBytes, plan.Fits, plan.GradientCheckpointing,
            plan.KeepFreedMemory, plan.LossChunkPositions, plan.Estimate.Training, plan.Estimate.Loading, plan.Suggestion);
    }
}
