namespace TuningService.Core.Training;

/// <summary>
/// Linear warmup from 0 to <see cref="PeakLearningRate"/> over <see cref="WarmupSteps"/>, then linear decay to 0 at
/// <see cref="TotalSteps"/>; the same values as transformers' <c>get_linear_schedule_with_warmup</c>, so runs compare
/// with Hugging Face runs. <c>step</c> is the 0-based index of the optimizer step about to be taken; as in HF, step
/// 0 of a schedule with warmup has learning rate 0.
/// </summary>
public sealed record LearningRateSchedule(double PeakLearningRate, int TotalSteps, int WarmupSteps)
{
    /// <summary>Warmup of ceil(ratio × total) steps, as transformers' <c>TrainingArguments.get_warmup_steps</c>.</summary>
    public static LearningRateSchedule WithWarmupRatio(double peakLearningRate, int totalSteps, double warmupRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupRatio);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warmupRatio, 1.0);
        return new LearningRateSchedule(peakLearningRate, totalSteps, (int)Math.Ceiling(totalSteps * warmupRatio));
    }

    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        }
        double remaining = (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps);
        return PeakLearningRate * Math.Max(0.0, remaining);
    }
}
