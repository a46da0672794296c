using TuningService.Core.Datasets.Statistics;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.DryRun;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;

namespace TuningService.Core.Tests.FineTuning.DryRun;

/// <summary>A calibration trains the real model a few steps; no timing is asserted, only that it measured and remembers.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class TrainingThroughputCalibratorTests
{
    [Theory]
    [InlineData("full", false)]
    [InlineData("lora", true)]
    public async Task Measures_a_positive_throughput_once_per_shape(string trainingType, bool packing)
    {
        var framing = TrainingFraming.ForModel(TestPaths.BabyLlama, maxSeqLength: 64);
        var examples = Enumerable.Range(0, 30).Select(i => framing.Examples.Tokenize($"Review: story number {i} was", i % 2 == 0 ? " good" : " bad")).ToList();
        var requested = RequestedHyperparameters.Auto with { TrainingType = trainingType, Packing = packing, MaxSeqLength = 64 };
        var calibrator = new TrainingThroughputCalibrator();

        var first = await calibrator.MeasureAsync(TestPaths.BabyLlama, requested, batchSize: 4, learningRate: 1e-3, seed: 1, device: "cpu", examples, CancellationToken.None);
        var second = await calibrator.MeasureAsync(TestPaths.BabyLlama, requested, batchSize: 4, learningRate: 1e-3, seed: 1, device: "cpu", examples, CancellationToken.None);
        var otherBatch = await calibrator.MeasureAsync(TestPaths.BabyLlama, requested, batchSize: 2, learningRate: 1e-3, seed: 1, device: "cpu", examples, CancellationToken.None);

        Assert.True(first.TokensPerSecond > 0);
        Assert.False(first.Cached);
        Assert.True(second.Cached);
        Assert.Equal(first.TokensPerSecond, second.TokensPerSecond);
        Assert.False(otherBatch.Cached);
        Assert.Contains(trainingType, first.Shape, StringComparison.Ordinal);
    }
}
