using TorchSharp;
using TuningService.Core.Training;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// The optimizer step in the backward pass (<see cref="TrainingOptions.OptimizerInBackward"/>) against the plain step:
/// without accumulation and clipping each weight's update depends on its own gradient only, so the two give the same
/// weights, bit for bit on CPU, while the in-backward run never holds the gradients of more than one block.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class InBackwardUpdateTests
{
    private static TrainingOptions Options(bool inBackward, OptimizerKind optimizer = OptimizerKind.AdamW,
        TrainingPrecision precision = TrainingPrecision.Fp32) => new()
    {
        Epochs = 2, BatchSize = 2, LearningRate = 1e-2, WarmupRatio = 0.2, MetricsInterval = 3, Seed = 5, WeightDecay = 0.01,
        MaxGradNorm = 0, OptimizerInBackward = inBackward, Optimizer = optimizer, Precision = precision,
    };

    private static (Dictionary<string, Tensor> Weights, List<StepMetrics> Steps) Train(TrainingOptions options, Action<TinyBlockLm>? watch = null)
    {
        using TinyBlockLm model = TinyBlockLm.New();
        watch?.Invoke(model);
        var observer = new RecordingObserver();
        new SupervisedTrainer(model, options, observer).Train(Examples(Fruit), Examples(MoreFruit), CharacterTokenizer.Pad, CancellationToken.None);
        return (Snapshot(model), observer.Steps.ToList());
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, TrainingPrecision.Fp32)]
    [InlineData(OptimizerKind.AdamW, TrainingPrecision.Bf16)]
    [InlineData(OptimizerKind.AdamW8bit, TrainingPrecision.Fp32)]
    public void Stepping_in_the_backward_pass_gives_the_plain_steps_weights(OptimizerKind optimizer, TrainingPrecision precision)
    {
        var plain = Train(Options(inBackward: false, optimizer, precision));
        var inBackward = Train(Options(inBackward: true, optimizer, precision));

        Assert.Equal(6, inBackward.Steps.Count);
        Assert.True(SameWeights(plain.Weights, inBackward.Weights));
        Assert.Equal(plain.Steps.Select(s => s.TrainLoss), inBackward.Steps.Select(s => s.TrainLoss));
        // The norm of the same gradients, summed block by block instead of all at once: equal up to float rounding.
        Assert.All(plain.Steps.Zip(inBackward.Steps), pair => Assert.Equal(pair.First.GradNorm, pair.Second.GradNorm, 1e-5 * pair.First.GradNorm));
    }

    [Fact]
    public void Each_blocks_gradients_are_gone_before_the_next_block_is_stepped()
    {
        var seen = new List<(int Block, int BlocksWithGradients, bool OwnGradients)>();
        Train(Options(inBackward: true), model =>
        {
            // Looks at the model's gradients just before each block's update.
            IReadOnlyList<nn.Module> blocks = model.Blocks;
            model.Spy = block =>
            {
                using var scope = NewDisposeScope();
                int index = blocks.ToList().IndexOf(block);
                int withGradients = blocks.Count(b => b.parameters().Any(p => p.grad is not null));
                seen.Add((index, withGradients, block.parameters().All(p => p.grad is not null)));
            };
        });

        // Three blocks, backward from the top: 2, 1, 0 in each of the six steps, each the only block holding gradients.
        Assert.Equal(Enumerable.Repeat(new[] { 2, 1, 0 }, 6).SelectMany(b => b), seen.Select(s => s.Block));
        Assert.All(seen, s => Assert.Equal((1, true), (s.BlocksWithGradients, s.OwnGradients)));
    }

    [Fact]
    public void Accumulation_and_clipping_are_refused()
    {
        using TinyBlockLm model = TinyBlockLm.New();
        var observer = new RecordingObserver();

        var accumulation = Assert.Throws<ArgumentException>(() => new SupervisedTrainer(model, Options(true) with { GradientAccumulationSteps = 2 }, observer));
        var clipping = Assert.Throws<ArgumentException>(() => new SupervisedTrainer(model, Options(true) with { MaxGradNorm = 1 }, observer));

        Assert.Contains("gradient_accumulation_steps", accumulation.Message);
        Assert.Contains("max_grad_norm", clipping.Message);
    }
}
