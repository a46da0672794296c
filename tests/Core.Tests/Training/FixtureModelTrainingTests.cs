using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Training;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// Resume and bf16 on the real model families (tiny fixture checkpoints): GPT-2 and T5 have dropout, Llama has
/// rotary positions and RMSNorm, T5 is an encoder-decoder; the six Llama-like families add sliding windows,
/// soft-capping and fused projections.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class FixtureModelTrainingTests : IDisposable
{
    private readonly string _folder = NewTempFolder();

    private static LoadedModel Load(string name) => PretrainedModelLoader.Load(TestPaths.Fixture("models", name), CPU);

    private static ITrainingObjective Objective(LoadedModel loaded) => loaded.Model switch
    {
        CausalLanguageModel causal => new CausalObjective(causal),
        Seq2SeqLanguageModel seq2seq => new Seq2SeqObjective(seq2seq, maxInputLength: 64, padTokenId: 0),
        _ => throw new NotSupportedException(loaded.Config.ModelType),
    };

    /// <summary>Eight fixed random sequences over the fixtures' 256 ids (ids below 3 are special); causal ones have
    /// an unlabelled 3-token prompt, seq2seq ones a 5-token target.</summary>
    private static List<TokenizedExample> Examples(bool causal)
    {
        var random = new Random(5);
        return Enumerable.Range(0, 8).Select(i =>
        {
            int[] ids = Enumerable.Range(0, 6 + (i % 5)).Select(_ => random.Next(3, 256)).ToArray();
            int[] labels = causal
                ? ids.Select((id, t) => t < 3 ? CausalLmLoss.IgnoreIndex : id).ToArray()
                : Enumerable.Range(0, 5).Select(_ => random.Next(3, 256)).ToArray();
            return new TokenizedExample(ids, labels);
        }).ToList();
    }

    private static TrainingOptions Options(TrainingPrecision precision) => new()
    {
        Epochs = 2, BatchSize = 2, GradientAccumulationSteps = 2, LearningRate = 3e-3, WarmupRatio = 0.25,
        MetricsInterval = 1, Seed = 5, Precision = precision,
    };

    private static TrainingResult Train(LoadedModel loaded, TrainingOptions options, ITrainingObserver observer, CancellationToken cancellationToken,
        TrainingResumeState? resume = null)
    {
        bool causal = loaded.Model is CausalLanguageModel;
        return new SupervisedTrainer(Objective(loaded), options, observer).Train(Examples(causal), null, 0, cancellationToken, resume);
    }

    [Theory]
    [InlineData("gpt2-tiny", TrainingPrecision.Fp32)]
    [InlineData("gpt2-tiny", TrainingPrecision.Bf16)]
    [InlineData("llama-tiny", TrainingPrecision.Fp32)]
    [InlineData("llama-tiny", TrainingPrecision.Bf16)]
    [InlineData("flan-t5-tiny", TrainingPrecision.Fp32)]
    [InlineData("flan-t5-tiny", TrainingPrecision.Bf16)]
    [InlineData("qwen2-tiny", TrainingPrecision.Fp32)]
    [InlineData("qwen3-tiny", TrainingPrecision.Bf16)]
    [InlineData("mistral-tiny", TrainingPrecision.Fp32)]
    [InlineData("phi3-tiny", TrainingPrecision.Bf16)]
    [InlineData("gemma2-tiny", TrainingPrecision.Fp32)]
    [InlineData("gemma3-tiny", TrainingPrecision.Bf16)]
    public void A_resumed_run_of_a_fixture_model_repeats_the_uninterrupted_run(string fixture, TrainingPrecision precision)
    {
        // Four batches an epoch, two per step: two steps an epoch; the run is interrupted after step 1, mid-epoch.
        TrainingOptions options = Options(precision) with { CheckpointEverySteps = 1 };
        var reference = new RecordingObserver();
        using (LoadedModel loaded = Load(fixture))
        {
            Train(loaded, options, reference, CancellationToken.None);
        }

        Dictionary<string, Tensor>? saved = null;
        using (var cancellation = new CancellationTokenSource())
        using (LoadedModel loaded = Load(fixture))
        {
            Train(loaded, options, new RecordingObserver(onCheckpoint: request =>
            {
                if (request.Step == 1 && request.Reason == CheckpointReason.StepInterval)
                {
                    saved = Snapshot(loaded.Model);
                    request.SaveTrainingState(_folder);
                    cancellation.Cancel();
                }
            }), cancellation.Token);
        }
        var resumed = new RecordingObserver();
        using (LoadedModel loaded = Load(fixture))
        {
            loaded.Model.load_state_dict(saved!);
            Train(loaded, options, resumed, CancellationToken.None, TrainingResumeState.Load(_folder));
        }

        Assert.Equal(reference.Steps.Where(s => s.Step > 1).Select(Values), resumed.Steps.Select(Values));
        Assert.Equal(3, resumed.Steps.Count());
    }

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("llama-tiny")]
    [InlineData("flan-t5-tiny")]
    [InlineData("qwen2-tiny")]
    [InlineData("qwen3-tiny")]
    [InlineData("mistral-tiny")]
    [InlineData("phi3-tiny")]
    [InlineData("gemma2-tiny")]
    [InlineData("gemma3-tiny")]
    public void Bf16_training_of_a_fixture_model_lowers_the_loss(string fixture)
    {
        using LoadedModel loaded = Load(fixture);
        var observer = new RecordingObserver();

        TrainingResult result = Train(loaded, Options(TrainingPrecision.Bf16) with { Epochs = 15, LearningRate = 1e-2 }, observer, CancellationToken.None);

        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss / 2, $"{result.Epochs[0].TrainLoss} -> {result.Epochs[^1].TrainLoss}");
        Assert.All(loaded.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
