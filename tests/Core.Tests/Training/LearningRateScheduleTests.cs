using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

public class LearningRateScheduleTests
{
    [Theory]
    // peak 0.1, 10 steps, 2 warmup steps: step/2 of peak during warmup, then (10 - step)/8 of peak.
    [InlineData(0, 0.0)]
    [InlineData(1, 0.05)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.0875)]
    [InlineData(6, 0.05)]
    [InlineData(9, 0.0125)]
    [InlineData(10, 0.0)]
    [InlineData(12, 0.0)]
    public void Linear_warmup_then_linear_decay_to_zero(int step, double expected)
    {
        var schedule = new LearningRateSchedule(PeakLearningRate: 0.1, TotalSteps: 10, WarmupSteps: 2);

        Assert.Equal(expected, schedule.At(step), precision: 12);
    }

    [Fact]
    public void Without_warmup_the_first_step_uses_the_peak()
    {
        var schedule = new LearningRateSchedule(PeakLearningRate: 0.1, TotalSteps: 4, WarmupSteps: 0);

        Assert.Equal([0.1, 0.075, 0.05, 0.025], Enumerable.Range(0, 4).Select(schedule.At).Select(v => Math.Round(v, 12)));
    }

    [Theory]
    [InlineData(10, 0.15, 2)] // ceil(1.5)
    [InlineData(10, 0.1, 1)]
    [InlineData(10, 0.0, 0)]
    [InlineData(7, 0.1, 1)]   // ceil(0.7)
    public void Warmup_steps_from_a_ratio_round_up(int totalSteps, double ratio, int expectedWarmup)
    {
        Assert.Equal(expectedWarmup, LearningRateSchedule.WithWarmupRatio(1.0, totalSteps, ratio).WarmupSteps);
    }
}

public class LearningRateScheduleShapeTests
{
    [Theory]
    // peak 1, 10 steps, 2 warmup: after warmup progress p = (step - 2) / 8; cosine = 0.5 (1 + cos(pi p)).
    [InlineData(1, 0.5)]
    [InlineData(2, 1.0)]
    [InlineData(4, 0.85355339059327373)] // p = 0.25: 0.5 (1 + 0.70710678)
    [InlineData(6, 0.5)]                 // p = 0.5
    [InlineData(10, 0.0)]
    public void Cosine_decays_along_half_a_cosine_after_warmup(int step, double expected) =>
        Assert.Equal(expected, new LearningRateSchedule(1.0, 10, 2, ScheduleShape.Cosine).At(step), 12);

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 1.0)]
    [InlineData(9, 1.0)]
    public void Constant_holds_the_peak_after_warmup(int step, double expected) =>
        Assert.Equal(expected, new LearningRateSchedule(1.0, 10, 2, ScheduleShape.Constant).At(step), 12);
}
