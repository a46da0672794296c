using System.IO.Compression;
using TuningService.Core.Training;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// A run interrupted after a checkpoint and resumed from it (weights restored by the test, the rest from the saved
/// training state) must go on exactly as the run that was never interrupted: same losses, bit for bit, on CPU.
/// The model has dropout, so this also holds torch's random numbers to account.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class TrainerResumeTests : IDisposable
{
    private readonly string _folder = NewTempFolder();

    private static TrainingOptions Options(int accumulation = 1, TrainingPrecision precision = TrainingPrecision.Fp32,
        OptimizerKind optimizer = OptimizerKind.AdamW) => new()
    {
        Epochs = 3, BatchSize = 2, LearningRate = 3e-3, WarmupRatio = 0.2, MetricsInterval = 2, Seed = 11, WeightDecay = 0.01,
        GradientAccumulationSteps = accumulation, CheckpointEverySteps = 1, EvalEverySteps = 2, Precision = precision, Optimizer = optimizer,
    };

    private sealed record Run(RecordingObserver Observer, TrainingResult Result, Dictionary<string, Tensor> FinalWeights);

    private static Run Train(TinyCausalLm model, TrainingOptions options, RecordingObserver observer, CancellationToken cancellationToken,
        TrainingResumeState? resume = null)
    {
        TrainingResult result = new SupervisedTrainer(model, options, observer)
            .Train(Examples(Fruit), Examples(MoreFruit), CharacterTokenizer.Pad, cancellationToken, resume);
        return new Run(observer, result, Snapshot(model));
    }

    private static Run Uninterrupted(TrainingOptions options)
    {
        using var model = NewModel(dropoutRate: 0.2);
        return Train(model, options, new RecordingObserver(), CancellationToken.None);
    }

    /// <summary>Trains until the checkpoint at <paramref name="step"/>, saves weights and state there and stops, as a
    /// killed process that had saved that checkpoint; then resumes into a differently initialised model.</summary>
    private Run InterruptedAndResumed(TrainingOptions options, int step)
    {
        Dictionary<string, Tensor>? saved = null;
        using (var cancellation = new CancellationTokenSource())
        using (var model = NewModel(dropoutRate: 0.2))
        {
            var observer = new RecordingObserver(onCheckpoint: request =>
            {
                if (request.Step == step && request.Reason != CheckpointReason.Cancelled)
                {
                    saved = Snapshot(model);
                    request.SaveTrainingState(_folder);
                    cancellation.Cancel();
                }
            });
            Run interrupted = Train(model, options, observer, cancellation.Token);
            Assert.Equal((TrainingStopReason.Cancelled, step), (interrupted.Result.StopReason, interrupted.Result.Step));
        }

        using var resumed = NewModel(seed: 99, dropoutRate: 0.2);
        resumed.load_state_dict(saved!);
        return Train(resumed, options, new RecordingObserver(), CancellationToken.None, TrainingResumeState.Load(_folder));
    }

    [Theory]
    [InlineData(1, 4, TrainingPrecision.Fp32)] // mid-epoch: the first of epoch 2's three steps
    [InlineData(1, 3, TrainingPrecision.Fp32)] // epoch boundary
    [InlineData(2, 3, TrainingPrecision.Fp32)] // two batches a step (two steps an epoch): mid-epoch
    [InlineData(2, 4, TrainingPrecision.Fp32)] // two batches a step: epoch boundary
    [InlineData(1, 5, TrainingPrecision.Bf16)] // bf16 with fp32 master weights
    [InlineData(1, 4, TrainingPrecision.Fp32, OptimizerKind.AdamW8bit)] // 8-bit moments: codes, absmax and steps saved
    [InlineData(1, 5, TrainingPrecision.Bf16, OptimizerKind.AdamW8bit)]
    public void A_resumed_run_repeats_the_uninterrupted_run_exactly(int accumulation, int step, TrainingPrecision precision,
        OptimizerKind optimizer = OptimizerKind.AdamW)
    {
        TrainingOptions options = Options(accumulation, precision, optimizer);

        Run reference = Uninterrupted(options);
        Run resumed = InterruptedAndResumed(options, step);

        Assert.Equal(reference.Observer.Steps.Where(s => s.Step > step).Select(Values), resumed.Observer.Steps.Select(Values));
        Assert.Equal(reference.Observer.Evaluations.Where(e => e.Step > step), resumed.Observer.Evaluations);
        Assert.Equal(reference.Result.Epochs.Where(e => e.Step > step), resumed.Result.Epochs);
        Assert.Equal(reference.Observer.Checkpoints.Where(c => c.Step > step).Select(c => (c.Step, c.Reason, c.IsBest)),
            resumed.Observer.Checkpoints.Select(c => (c.Step, c.Reason, c.IsBest)));
        Assert.Equal(reference.Result with { Epochs = [] }, resumed.Result with { Epochs = [] });
        Assert.True(SameWeights(reference.FinalWeights, resumed.FinalWeights));
        Assert.NotEmpty(resumed.Observer.Steps);
    }

    [Fact]
    public void A_run_cancelled_during_an_evaluation_resumes_with_that_evaluation()
    {
        // Step 3 ends epoch 1; cancelling when its metrics arrive stops the evaluation that follows them.
        TrainingOptions options = Options();
        Run reference = Uninterrupted(options);

        Dictionary<string, Tensor>? saved = null;
        using (var cancellation = new CancellationTokenSource())
        using (var model = NewModel(dropoutRate: 0.2))
        {
            var observer = new RecordingObserver(
                onMetrics: steps => { if (steps[^1].Step == 3) cancellation.Cancel(); },
                onCheckpoint: request =>
                {
                    if (request.Reason == CheckpointReason.Cancelled)
                    {
                        Assert.Equal(3, request.Step);
                        saved = Snapshot(model);
                        request.SaveTrainingState(_folder);
                    }
                });
            Run cancelled = Train(model, options, observer, cancellation.Token);
            Assert.Equal(TrainingStopReason.Cancelled, cancelled.Result.StopReason);
            Assert.DoesNotContain(observer.Evaluations, e => e.Step == 3);
            Assert.Empty(observer.Epochs);
        }
        TrainingResumeState state = TrainingResumeState.Load(_folder);
        Assert.Equal((3, 1, 3, true), (state.State.Step, state.State.Epoch, state.State.BatchesDoneInEpoch, state.State.EvaluationPending));

        using var resumed = NewModel(seed: 99, dropoutRate: 0.2);
        resumed.load_state_dict(saved!);
        var resumedObserver = new RecordingObserver();
        Train(resumed, options, resumedObserver, CancellationToken.None, state);

        Assert.Equal(reference.Observer.Evaluations.Where(e => e.Step >= 3), resumedObserver.Evaluations);
        Assert.Equal(reference.Observer.Epochs, resumedObserver.Epochs); // epoch 1's summary from the saved sums
        Assert.Equal(reference.Observer.Steps.Where(s => s.Step > 3).Select(Values), resumedObserver.Steps.Select(Values));
        Assert.Equal(["evaluation 3", "epoch 3", "checkpoint 3"], resumedObserver.Calls.Take(3));
    }

    [Fact]
    public void The_saved_state_holds_the_position_and_a_pytorch_optimizer_file()
    {
        using var model = NewModel();
        CheckpointRequest? kept = null;
        var observer = new RecordingObserver(onCheckpoint: request =>
        {
            if (request.Step == 4)
            {
                request.SaveTrainingState(_folder);
                kept = request;
            }
        });
        new SupervisedTrainer(model, Options() with { EvalEverySteps = 0 }, observer)
            .Train(Examples(Fruit), Examples(MoreFruit), CharacterTokenizer.Pad, CancellationToken.None);

        TrainerState state = TrainingResumeState.Load(_folder).State;
        Assert.Equal((4, 2, 1, false), (state.Step, state.Epoch, state.BatchesDoneInEpoch, state.EvaluationPending));
        Assert.Equal(observer.Steps.Single(s => s.Step == 4).TrainLoss, state.EpochTrainLossSum);
        Assert.Equal(observer.Evaluations.Single(e => e.Step == 3).Loss, state.BestValidationLoss);
        Assert.Contains("batch_size=2", state.Trajectory);
        // torch.save's layout: a zip archive whose pickle is <name>/data.pkl.
        using ZipArchive optimizer = ZipFile.OpenRead(Path.Combine(_folder, "optimizer.pt"));
        Assert.Contains(optimizer.Entries, e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => kept!.SaveTrainingState(_folder));
    }

    [Fact]
    public void A_resume_with_other_settings_is_refused()
    {
        using var model = NewModel();
        var observer = new RecordingObserver(onCheckpoint: request => request.SaveTrainingState(_folder));
        new SupervisedTrainer(model, Options() with { Epochs = 1 }, observer)
            .Train(Examples(Fruit), null, CharacterTokenizer.Pad, CancellationToken.None);

        var resume = TrainingResumeState.Load(_folder);
        var exception = Assert.Throws<ArgumentException>(() => new SupervisedTrainer(model, Options() with { Epochs = 1, BatchSize = 3 }, observer)
            .Train(Examples(Fruit), null, CharacterTokenizer.Pad, CancellationToken.None, resume));
        Assert.Contains("batch_size=3", exception.Message);
    }

    [Fact]
    public void A_folder_without_a_saved_state_is_not_a_resume_point()
    {
        Assert.False(TrainingResumeState.Exists(_folder));
        Assert.Throws<FileNotFoundException>(() => TrainingResumeState.Load(_folder));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
