using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

public class TrainerStateTests
{
    [Fact]
    public void The_best_loss_follows_every_decrease_but_only_a_decrease_beyond_the_threshold_resets_patience()
    {
        // 2.0 first; 1.95 beats it by 0.05 (< 0.1): new best, no improvement; 1.7 beats 1.95 by 0.25: improvement;
        // 1.8 and NaN are worse.
        double[] losses = [2.0, 1.95, 1.7, 1.8, double.NaN];
        TrainerState state = TrainerState.Start("test");
        var seen = new List<(double?, int?, int)>();
        for (int i = 0; i < losses.Length; i++)
        {
            state = (state with { Step = i + 1 }).WithEvaluation(losses[i], threshold: 0.1);
            seen.Add((state.BestValidationLoss, state.BestStep, state.EvaluationsWithoutImprovement));
        }

        Assert.Equal([(2.0, 1, 0), (1.95, 2, 1), (1.7, 3, 0), (1.7, 3, 1), (1.7, 3, 2)], seen);
    }

    [Fact]
    public void A_new_epoch_clears_the_epoch_sums_and_keeps_the_rest()
    {
        TrainerState state = TrainerState.Start("test").AfterStep(batches: 2)
            .WithReported([new StepMetrics(1, 1, 2.5, 0.5, 1e-3, 1, 100)]).WithEvaluation(2.0, 0);

        TrainerState next = state.StartEpoch(2);

        Assert.Equal((2, 0, 0.0, 0.0, 0), (next.Epoch, next.BatchesDoneInEpoch, next.EpochTrainLossSum, next.EpochTrainAccuracySum, next.EpochStepsReported));
        Assert.Equal((1, 2.0, 1), (next.Step, next.BestValidationLoss, next.BestStep));
    }
}
