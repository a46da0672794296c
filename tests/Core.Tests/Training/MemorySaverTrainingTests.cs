using TuningService.Core.Models.Checkpointing;
using TuningService.Core.Tests.Lora;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// A whole SupervisedTrainer run with gradient checkpointing and the chunked loss reports the losses of the same run
/// without them, step by step (dropout included), and leaves the model with checkpointing off.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MemorySaverTrainingTests
{
    private static readonly (string Prompt, string Completion)[] Colours =
    [
        ("red?", "apple"), ("yellow?", "banana"), ("purple?", "grape"),
        ("orange?", "orange"), ("green?", "lime"), ("brown?", "kiwi"),
    ];

    private static readonly TrainingOptions Plain = new()
    {
        Epochs = 2, BatchSize = 2, LearningRate = 1e-3, WarmupRatio = 0, MetricsInterval = 1, Seed = 3,
    };

    [Theory]
    [InlineData(LoraFixtures.Gpt2)]
    [InlineData(LoraFixtures.Llama)]
    [InlineData(LoraFixtures.FlanT5)]
    public void Checkpointing_and_chunks_train_as_the_plain_run(string name)
    {
        var plain = TrainLosses(name, Plain);
        var saving = TrainLosses(name, Plain with { GradientCheckpointing = true, LossChunkPositions = 5 });

        Assert.Equal(6, plain.Count);
        Assert.Equal(plain.Count, saving.Count);
        // Each step's loss comes from weights after the earlier steps, so small rounding differences in the
        // gradients (ObjectiveGradients) carry over; AdamW's normalised steps keep them at rounding size.
        for (int i = 0; i < plain.Count; i++)
            Assert.True(Math.Abs(plain[i] - saving[i]) <= 1e-5 * Math.Abs(plain[i]), $"step {i + 1}: {saving[i]} vs {plain[i]}");
    }

    [Fact]
    public void Bf16_training_with_both_savers_follows_the_plain_bf16_run()
    {
        var bf16 = Plain with { Precision = TrainingPrecision.Bf16 };
        var plain = TrainLosses(LoraFixtures.Gpt2, bf16);
        var saving = TrainLosses(LoraFixtures.Gpt2, bf16 with { GradientCheckpointing = true, LossChunkPositions = 5 });

        Assert.Equal(plain.Count, saving.Count);
        // The first step's forward pass is the same computation (the loss is taken in fp32 either way, chunks or not).
        Assert.True(Math.Abs(plain[0] - saving[0]) <= 1e-6 * Math.Abs(plain[0]), $"step 1: {saving[0]} vs {plain[0]}");
        // After it, bf16 gradients summed in another order differ by bf16 rounding (unit roundoff 2^-8 = 3.9e-3), which
        // the updates carry into later losses: seen up to 2.7e-3 relative here, hence 1e-2 for the later steps.
        for (int i = 1; i < plain.Count; i++)
            Assert.True(Math.Abs(plain[i] - saving[i]) <= 1e-2 * Math.Abs(plain[i]), $"step {i + 1}: {saving[i]} vs {plain[i]}");
    }

    [Fact]
    public void A_model_without_a_split_head_refuses_a_chunked_run_before_training()
    {
        using var model = TrainerTestKit.NewModel();
        var trainer = new SupervisedTrainer(model, Plain with { LossChunkPositions = 8 }, new RecordingObserver());

        var error = Assert.Throws<ArgumentException>(() =>
            trainer.Train(TrainerTestKit.Examples(Colours), null, 0, CancellationToken.None));

        Assert.Contains("LossChunkPositions 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, model.ForwardCount);
    }

    private static List<double> TrainLosses(string name, TrainingOptions options)
    {
        using var loaded = LoraFixtures.Load(name);
        var setup = TrainingSetup.For(loaded, new CharacterTokenizer());
        var observer = new RecordingObserver();
        new SupervisedTrainer(setup.Objective, options, observer)
            .Train(setup.Examples.TokenizeAll(Colours).Examples, null, setup.Examples.PaddingId, CancellationToken.None);
        Assert.False(((IBlockCheckpointedModel)loaded.Model).Checkpointing.Enabled);
        return observer.Steps.Select(step => step.TrainLoss).ToList();
    }
}
