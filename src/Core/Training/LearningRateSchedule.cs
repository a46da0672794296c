namespace TuningService.Core.Training;

/// <summary>
/// Linear warmup from 0 to <see cref="PeakLearningRate"/> over <see cref="WarmupSteps"/>, then, by
/// <see cref="Shape"/>: linear decay to 0 at <see cref="TotalSteps"/>, half a cosine down to 0, or constant. The
/// values equal transformers' <c>get_linear_schedule_with_warmup</c>, <c>get_cosine_schedule_with_warmup</c> and
/// <c>get_constant_schedule_with_warmup</c>, so runs compare with Hugging Face runs. <c>step</c> is the 0-based index
/// of the optimizer step about to be taken; as in HF, step 0 of a schedule with warmup has learning rate 0.
/// </summary>
public sealed record LearningRateSchedule(double PeakLearningRate, int TotalSteps, int WarmupSteps, ScheduleShape Shape = ScheduleShape.Linear)
{
    /// <summary>Warmup of ceil(ratio × total) steps, as transformers' <c>TrainingArguments.get_warmup_steps</c>.</summary>
    public static LearningRateSchedule WithWarmupRatio(double peakLearningRate, int totalSteps, double warmupRatio,
        ScheduleShape shape = ScheduleShape.Linear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupRatio);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warmupRatio, 1.0);
        return new LearningRateSchedule(peakLearningRate, totalSteps, (int)Math.Ceiling(totalSteps * warmupRatio), shape);
    }

    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        }
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Shape switch
        {
            ScheduleShape.Constant => PeakLearningRate,
            ScheduleShape.Cosine => PeakLearningRate * Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
            _ => PeakLearningRate * Math.Max(0.0, 1.0 - progress),
        };
    }
}
