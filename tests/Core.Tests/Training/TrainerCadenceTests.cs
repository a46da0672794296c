using TuningService.Core.Training;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

/// <summary>Which steps get evaluations and checkpoint offers, and when early stopping ends a run.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class TrainerCadenceTests
{
    // Six examples in batches of 2: steps 1-3 are epoch 1, 4-6 epoch 2, 7-9 epoch 3.
    private static TrainingOptions Options() => new()
    {
        Epochs = 3, BatchSize = 2, LearningRate = 3e-3, WarmupRatio = 0.1, MetricsInterval = 10, Seed = 7,
    };

    private static (RecordingObserver Observer, TrainingResult Result) Train(TrainingOptions options, bool validate)
    {
        using var model = NewModel();
        var observer = new RecordingObserver();
        TrainingResult result = new SupervisedTrainer(model, options, observer)
            .Train(Examples(Fruit), validate ? Examples(MoreFruit) : null, CharacterTokenizer.Pad, CancellationToken.None);
        return (observer, result);
    }

    [Fact]
    public void Without_an_interval_checkpoints_come_at_epoch_ends_and_the_last_is_final()
    {
        (RecordingObserver observer, TrainingResult result) = Train(Options(), validate: false);

        Assert.Equal([(3, CheckpointReason.EpochEnd), (6, CheckpointReason.EpochEnd), (9, CheckpointReason.Final)],
            observer.Checkpoints.Select(c => (c.Step, c.Reason)));
        Assert.Equal([1, 2, 3], observer.Checkpoints.Select(c => c.Epoch));
        Assert.All(observer.Checkpoints, c => Assert.Equal(c.Step, c.EpochSummary?.Step));
        Assert.Equal(TrainingStopReason.Completed, observer.Checkpoints[^1].StopReason);
        Assert.Equal((TrainingStopReason.Completed, 9), (result.StopReason, result.Step));
    }

    [Fact]
    public void An_interval_adds_checkpoints_every_n_steps()
    {
        (RecordingObserver observer, _) = Train(Options() with { CheckpointEverySteps = 2 }, validate: false);

        Assert.Equal(
            [(2, CheckpointReason.StepInterval), (3, CheckpointReason.EpochEnd), (4, CheckpointReason.StepInterval),
             (6, CheckpointReason.EpochEnd), (8, CheckpointReason.StepInterval), (9, CheckpointReason.Final)],
            observer.Checkpoints.Select(c => (c.Step, c.Reason)));
        Assert.All(observer.Checkpoints, c => Assert.Equal(c.Step, c.LastStep?.Step)); // metrics are flushed first
        Assert.All(observer.Checkpoints, c => Assert.False(c.IsBest)); // nothing was evaluated
    }

    [Theory]
    [InlineData(0, new[] { 3, 6, 9 })]
    [InlineData(2, new[] { 2, 3, 4, 6, 8, 9 })]
    public void Evaluations_come_at_epoch_ends_and_every_n_steps(int evalEverySteps, int[] expectedSteps)
    {
        (RecordingObserver observer, _) = Train(Options() with { EvalEverySteps = evalEverySteps }, validate: true);

        Assert.Equal(expectedSteps, observer.Evaluations.Select(e => e.Step));
        Assert.Equal(observer.Evaluations.Where(e => e.Step % 3 == 0).Select(e => (e.Loss, e.MeanTokenAccuracy)),
            observer.Epochs.Select(e => ((double)e.ValidationLoss!, (double)e.ValidationMeanTokenAccuracy!)));
        Assert.Equal(["metrics 6", "evaluation 6", "epoch 6", "checkpoint 6"],
            observer.Calls.SkipWhile(c => c != "metrics 6").Take(4));
    }

    [Fact]
    public void Every_new_best_is_flagged_and_checkpointed()
    {
        (RecordingObserver observer, TrainingResult result) = Train(Options() with { EvalEverySteps = 1, LearningRate = 1e-2 }, validate: true);

        double best = double.PositiveInfinity;
        foreach (EvaluationResult evaluation in observer.Evaluations)
        {
            Assert.Equal(evaluation.Loss < best, evaluation.IsBest);
            best = Math.Min(best, evaluation.Loss);
            // Epoch ends are checkpointed anyway; in between, a new best brings a checkpoint of its own.
            bool checkpointed = observer.Checkpoints.Any(c => c.Step == evaluation.Step);
            Assert.Equal(evaluation.IsBest || evaluation.Step % 3 == 0, checkpointed);
        }
        Assert.Equal(CheckpointReason.BestValidation, observer.Checkpoints[0].Reason); // step 1: the first evaluation is the best so far
        Assert.All(observer.Checkpoints, c => Assert.Equal(c.Evaluation!.IsBest, c.IsBest));
        Assert.Equal(best, result.BestValidationLoss);
        Assert.Equal(observer.Evaluations.Last(e => e.IsBest).Step, result.BestStep);
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_evaluations_without_improvement()
    {
        // A learning rate of 1e-7 moves no weight by more than about 1e-7 a step, so no validation loss can fall by
        // the threshold of 0.5: the first evaluation sets the best and the next three do not improve on it.
        TrainingOptions options = Options() with
        {
            LearningRate = 1e-7, EvalEverySteps = 1, EarlyStoppingPatience = 3, EarlyStoppingThreshold = 0.5,
        };

        (RecordingObserver observer, TrainingResult result) = Train(options, validate: true);

        Assert.Equal((TrainingStopReason.EarlyStopping, 4), (result.StopReason, result.Step));
        Assert.Equal([0, 1, 2, 3], observer.Evaluations.Select(e => e.EvaluationsWithoutImprovement));
        Assert.Equal(4, observer.Steps.Count());
        CheckpointRequest last = observer.Checkpoints[^1];
        Assert.Equal((4, CheckpointReason.Final, TrainingStopReason.EarlyStopping), (last.Step, last.Reason, last.StopReason));
        Assert.Single(result.Epochs); // epoch 2 did not finish
        Assert.Contains("did not improve by more than 0.5 in 3 evaluation(s)", result.StopDetail);
    }

    [Fact]
    public void Without_patience_the_same_run_completes()
    {
        TrainingOptions options = Options() with { LearningRate = 1e-7, EvalEverySteps = 1, EarlyStoppingThreshold = 0.5 };

        (RecordingObserver observer, TrainingResult result) = Train(options, validate: true);

        Assert.Equal((TrainingStopReason.Completed, 9), (result.StopReason, result.Step));
        Assert.Equal(8, observer.Evaluations[^1].EvaluationsWithoutImprovement);
    }

    [Fact]
    public void Gradient_accumulation_makes_fewer_larger_steps()
    {
        // Three batches an epoch, two per step: steps of 2 and 1 batches, two steps an epoch.
        TrainingOptions options = Options() with { GradientAccumulationSteps = 2, CheckpointEverySteps = 1 };

        (RecordingObserver observer, TrainingResult result) = Train(options, validate: false);

        Assert.Equal(2, options.StepsPerEpoch(Fruit.Length));
        Assert.Equal([1, 1, 2, 2, 3, 3], observer.Steps.Select(s => s.Epoch));
        Assert.Equal([2, 4, 6], result.Epochs.Select(e => e.Step));
    }
}
