using TuningService.Core.FineTuning.Memory;

namespace TuningService.Bench.MemoryBench;

/// <summary>What a child run measured, beside the plan's estimate for the same run (one JSON line on stdout).</summary>
public sealed record RunResult(string Config, bool KeepFreedMemory, bool GradientCheckpointing, int LossChunkPositions,
    double RuntimeMiB, double LoadPeakMiB, double PeakMiB, double EstimatedPeakMiB, double EstimatedLoadingMiB, double EstimatedTrainingMiB,
    IReadOnlyList<MemoryTerm> Terms, double[] StepSeconds, long TokensPerStep, double ModelFlopsPerToken, double AttentionFlopsPerToken)
{
    public const string LinePrefix = "RESULT ";

    /// <summary>(estimate − measured) / measured.</summary>
    public double EstimateError => (EstimatedPeakMiB - PeakMiB) / PeakMiB;

    /// <summary>The median of the steps after the first (the first allocates the optimizer state and warms the allocator).</summary>
    public double MedianStepSeconds
    {
        get
        {
            var timed = StepSeconds.Length > 1 ? StepSeconds[1..] : StepSeconds;
            var sorted = timed.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
        }
    }
}
