using TuningService.Core.Training;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

/// <summary>Training the tiny model with AdamW8bit against AdamW.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class AdamW8bitTrainingTests
{
    private static TrainingOptions Options(OptimizerKind optimizer, int epochs) => new()
    {
        Epochs = epochs, BatchSize = 2, LearningRate = 1e-2, WarmupRatio = 0.1, MetricsInterval = 4, Seed = 7, Optimizer = optimizer,
    };

    private static (TrainingResult Result, Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Start) Train(OptimizerKind optimizer, int epochs)
    {
        using var model = NewModel();
        Dictionary<string, Tensor> start = Snapshot(model);
        TrainingResult result = new SupervisedTrainer(model, Options(optimizer, epochs), new RecordingObserver())
            .Train(Examples(Fruit), Examples(Fruit), CharacterTokenizer.Pad, CancellationToken.None);
        return (result, Snapshot(model), start);
    }

    [Fact]
    public void AdamW8bit_learns_the_tiny_task_as_AdamW_does()
    {
        TrainingResult result = Train(OptimizerKind.AdamW8bit, epochs: 20).Result;

        // The bar Bf16TrainingTests sets AdamW on the same task.
        EpochSummary first = result.Epochs[0], last = result.Epochs[^1];
        Assert.True(last.TrainLoss < first.TrainLoss / 10, $"train loss {first.TrainLoss} -> {last.TrainLoss}");
        Assert.True(last.ValidationLoss < first.ValidationLoss / 10, $"validation loss {first.ValidationLoss} -> {last.ValidationLoss}");
    }

    [Fact]
    public void After_some_steps_AdamW8bits_weights_stay_close_to_AdamWs()
    {
        // 4 epochs = 12 steps. Adam moves a weight by about the learning rate per step whatever its gradient, so both
        // runs move each weight by up to ~12 · 1e-2; the 8-bit run's moments are off by a few percent of their block's
        // absmax (BlockwiseQuantizedTensorTests), which changes each update's size by about as much. The 8-bit run
        // must therefore have moved the weights along nearly the same path: its difference from the AdamW run a small
        // fraction (a tenth) of how far AdamW moved them, not of the same order, as an unrelated update would be.
        var (_, quantized, start) = Train(OptimizerKind.AdamW8bit, epochs: 4);
        var (_, reference, _) = Train(OptimizerKind.AdamW, epochs: 4);

        using var scope = NewDisposeScope();
        double moved = Math.Sqrt(reference.Sum(e => (e.Value - start[e.Key]).square().sum().item<float>()));
        double apart = Math.Sqrt(reference.Sum(e => (e.Value - quantized[e.Key]).square().sum().item<float>()));
        Assert.True(apart < 0.1 * moved, $"8-bit and 32-bit runs {apart:G4} apart after AdamW moved the weights by {moved:G4}");
        Assert.True(apart > 0, "the 8-bit run should not be AdamW itself");
    }
}
