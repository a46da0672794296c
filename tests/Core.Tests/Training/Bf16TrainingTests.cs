using TuningService.Core.Training;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public class Bf16TrainingTests
{
    private static TrainingOptions Options() => new()
    {
        Epochs = 20, BatchSize = 2, LearningRate = 1e-2, WarmupRatio = 0.1, MetricsInterval = 4, Seed = 7,
        Precision = TrainingPrecision.Bf16,
    };

    [Fact]
    public void Bf16_training_learns_and_leaves_fp32_master_weights_in_the_model()
    {
        using var model = NewModel();
        var observer = new RecordingObserver(onCheckpoint: request =>
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype)));

        TrainingResult result = new SupervisedTrainer(model, Options(), observer)
            .Train(Examples(Fruit), Examples(Fruit), CharacterTokenizer.Pad, CancellationToken.None);

        EpochSummary first = result.Epochs[0], last = result.Epochs[^1];
        Assert.True(last.TrainLoss < first.TrainLoss / 10, $"train loss {first.TrainLoss} -> {last.TrainLoss}");
        Assert.True(last.ValidationLoss < first.ValidationLoss / 10, $"validation loss {first.ValidationLoss} -> {last.ValidationLoss}");
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        // fp32 masters keep updates below bf16's resolution: the final weights are not all bf16 values.
        Tensor weight = model.LmHeadWeight;
        Assert.False(weight.equal(weight.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32)).all().item<bool>());
        Assert.Equal(20, observer.Checkpoints.Count);
    }

    [Fact]
    public void Bf16_and_fp32_runs_start_alike_and_then_part()
    {
        // The first step's loss differs only by bf16 rounding of the same forward pass; a bf16 run that did not
        // round (or computed something else) would match exactly or be far off.
        double FirstLoss(TrainingPrecision precision)
        {
            using var model = NewModel();
            var observer = new RecordingObserver();
            new SupervisedTrainer(model, Options() with { Epochs = 1, Precision = precision }, observer)
                .Train(Examples(Fruit), null, CharacterTokenizer.Pad, CancellationToken.None);
            return observer.Steps.First().TrainLoss;
        }

        double fp32 = FirstLoss(TrainingPrecision.Fp32), bf16 = FirstLoss(TrainingPrecision.Bf16);
        Assert.NotEqual(fp32, bf16);
        Assert.Equal(fp32, bf16, 0.05 * fp32); // bf16 keeps about 3 significant digits per operation
    }
}
