using TuningService.Core.Training;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// Two batches of 4 accumulated into a step must update the model as one batch of 8 does: the same examples (no
/// length bucketing, so both split one shuffled order), no dropout, token-weighted losses. Only float rounding may
/// differ (padding to other widths, sums in another order).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class GradientAccumulationTests
{
    private static readonly (string, string)[] Eight = [.. Fruit, ("white?", "coconut"), ("gold?", "mango")];

    private static (List<StepMetrics> Steps, Dictionary<string, Tensor> Weights) Train(int batchSize, int accumulation)
    {
        using var model = NewModel();
        var observer = new RecordingObserver();
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = batchSize, GradientAccumulationSteps = accumulation, LearningRate = 1e-3, WarmupRatio = 0,
            LengthBucketing = false, MetricsInterval = 1, Seed = 3,
        };
        new SupervisedTrainer(model, options, observer).Train(Examples(Eight), null, CharacterTokenizer.Pad, CancellationToken.None);
        return (observer.Steps.ToList(), Snapshot(model));
    }

    [Fact]
    public void Accumulating_two_batches_of_four_equals_one_batch_of_eight()
    {
        (List<StepMetrics> whole, Dictionary<string, Tensor> wholeWeights) = Train(batchSize: 8, accumulation: 1);
        (List<StepMetrics> accumulated, Dictionary<string, Tensor> accumulatedWeights) = Train(batchSize: 4, accumulation: 2);

        Assert.Equal(3, whole.Count);
        Assert.Equal(whole.Select(s => s.Step), accumulated.Select(s => s.Step));
        // Loss tolerance of the fixtures README (1e-5 relative); the accuracy is a ratio of counts and must match.
        Assert.All(whole.Zip(accumulated), pair =>
        {
            Assert.Equal(pair.First.TrainLoss, pair.Second.TrainLoss, 1e-5 * pair.First.TrainLoss);
            Assert.Equal(pair.First.GradNorm, pair.Second.GradNorm, 1e-5 * pair.First.GradNorm);
            Assert.Equal(pair.First.TrainMeanTokenAccuracy, pair.Second.TrainMeanTokenAccuracy);
        });
        // Three AdamW steps move a weight by at most about 3e-3; a different update would differ by about that much.
        Assert.All(wholeWeights, entry =>
            Assert.True(entry.Value.allclose(accumulatedWeights[entry.Key], rtol: 0, atol: 1e-5), entry.Key));
    }

    [Fact]
    public void A_mean_of_batch_means_would_differ()
    {
        // Guards the test above: with batches of unequal token counts, token weighting is not the plain mean of
        // the two batch losses, so that test can tell the two apart.
        IReadOnlyList<PaddedBatch> halves = new Batcher(4, CharacterTokenizer.Pad).ShuffledBatches(Examples(Eight), seed: 3, epoch: 1);

        Assert.NotEqual(halves[0].PredictedTokenCount, halves[1].PredictedTokenCount);
    }
}
