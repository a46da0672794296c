using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;
using static TuningService.Core.Tests.Training.TrainerTestKit;

namespace TuningService.Core.Tests.Training.Preference;

/// <summary>DPO on the supervised trainer's engine: learning, metrics, the two references, and exact resumption.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PreferenceTrainingTests : IDisposable
{
    private readonly string _folder = NewTempFolder();

    /// <summary>Each colour's fruit preferred over another colour's.</summary>
    private static readonly (string Prompt, string Chosen, string Rejected)[] FruitPairs =
    [
        ("red?", "apple", "lime"), ("yellow?", "banana", "grape"), ("purple?", "grape", "kiwi"),
        ("orange?", "orange", "apple"), ("green?", "lime", "banana"), ("brown?", "kiwi", "orange"),
    ];

    private static readonly (string Prompt, string Chosen, string Rejected)[] MoreFruitPairs =
    [
        ("pink?", "peach", "plum"), ("black?", "plum", "berry"),
    ];

    private static IReadOnlyList<TokenizedExample> Pairs((string Prompt, string Chosen, string Rejected)[] pairs)
    {
        var chosen = Examples(pairs.Select(p => (p.Prompt, p.Chosen)).ToArray());
        var rejected = Examples(pairs.Select(p => (p.Prompt, p.Rejected)).ToArray());
        return chosen.Zip(rejected, (c, r) => c with { Rejected = r }).ToList();
    }

    private static TrainingOptions Options(int accumulation = 1) => new()
    {
        Epochs = 4, BatchSize = 2, LearningRate = 3e-3, WarmupRatio = 0.2, MetricsInterval = 2, Seed = 11,
        GradientAccumulationSteps = accumulation, CheckpointEverySteps = 1, EvalEverySteps = 2,
    };

    /// <summary>Full fine-tuning: the starting model scores every pair once, then trains with those as its reference.</summary>
    private static (RecordingObserver Observer, TrainingResult Result, Dictionary<string, Tensor> Weights) TrainFull(
        TinyCausalLm model, TrainingOptions options, RecordingObserver observer, CancellationToken cancellationToken,
        TrainingResumeState? resume = null)
    {
        var objective = new PreferenceObjective(model, new PreferenceLossOptions(Beta: 0.5), PreferenceReference.Precomputed);
        var train = ReferenceLogProbs.Score(objective, Pairs(FruitPairs), 4, CharacterTokenizer.Pad, CPU, CancellationToken.None)!;
        var validation = ReferenceLogProbs.Score(objective, Pairs(MoreFruitPairs), 4, CharacterTokenizer.Pad, CPU, CancellationToken.None)!;
        var result = new SupervisedTrainer(objective, options, observer).Train(train, validation, CharacterTokenizer.Pad, cancellationToken, resume);
        return (observer, result, Snapshot(model));
    }

    [Fact]
    public void Full_fine_tuning_learns_the_preferences_and_reports_the_dpo_metrics()
    {
        using var model = NewModel();
        var (observer, result, _) = TrainFull(model, Options() with { Epochs = 8 }, new RecordingObserver(), CancellationToken.None);

        var steps = observer.Steps.ToList();
        Assert.Equal(TrainingStopReason.Completed, result.StopReason);
        Assert.All(steps, s => Assert.NotNull(s.Preference));
        // The policy starts as its own reference: every pair's loss is ln 2 and no reward separates the answers.
        Assert.Equal(Math.Log(2), steps[0].TrainLoss, 5);
        Assert.Equal(0, steps[0].Preference!.RewardsAccuracies);
        Assert.True(steps[^1].TrainLoss < 0.3, $"the last step's loss is {steps[^1].TrainLoss}");
        Assert.Equal(1, steps[^1].Preference!.RewardsAccuracies);
        Assert.True(steps[^1].Preference!.RewardsMargins > 1);
        Assert.All(observer.Evaluations, e => Assert.NotNull(e.Preference));
    }

    [Theory]
    [InlineData(1, 5)] // mid-epoch
    [InlineData(2, 4)] // two batches a step, an epoch boundary
    public void A_resumed_preference_run_repeats_the_uninterrupted_run_exactly(int accumulation, int step)
    {
        var options = Options(accumulation);
        using var referenceModel = NewModel();
        var reference = TrainFull(referenceModel, options, new RecordingObserver(), CancellationToken.None);

        Dictionary<string, Tensor>? saved = null;
        using (var cancellation = new CancellationTokenSource())
        using (var model = NewModel())
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
            TrainFull(model, options, observer, cancellation.Token);
        }
        // The resumed run starts from the saved weights, but its reference is the starting model's: scored before
        // training, with the data (as a job keeps them with its tokenized data), not by the half-trained model.
        using var resumedModel = NewModel();
        var objective = new PreferenceObjective(resumedModel, new PreferenceLossOptions(Beta: 0.5), PreferenceReference.Precomputed);
        var train = ReferenceLogProbs.Score(objective, Pairs(FruitPairs), 4, CharacterTokenizer.Pad, CPU, CancellationToken.None)!;
        var validation = ReferenceLogProbs.Score(objective, Pairs(MoreFruitPairs), 4, CharacterTokenizer.Pad, CPU, CancellationToken.None)!;
        resumedModel.load_state_dict(saved!);
        var resumedObserver = new RecordingObserver();
        var result = new SupervisedTrainer(objective, options, resumedObserver)
            .Train(train, validation, CharacterTokenizer.Pad, CancellationToken.None, TrainingResumeState.Load(_folder));

        Assert.Equal(reference.Observer.Steps.Where(s => s.Step > step).Select(s => (Values(s), s.Preference)),
            resumedObserver.Steps.Select(s => (Values(s), s.Preference)));
        Assert.Equal(reference.Observer.Evaluations.Where(e => e.Step > step), resumedObserver.Evaluations);
        Assert.Equal(reference.Result with { Epochs = [] }, result with { Epochs = [] });
        Assert.True(SameWeights(reference.Weights, Snapshot(resumedModel)));
    }

    [Fact]
    public void Lora_uses_the_model_with_its_adapters_off_as_reference_and_learns()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
        LoraModel.Apply(loaded, new LoraConfig { R = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] }, seed: 3);
        var objective = new PreferenceObjective((CausalLanguageModel)loaded.Model, new PreferenceLossOptions(Beta: 0.1), PreferenceReference.AdaptersDisabled);
        var pairs = DpoGolden.Pairs(DpoGolden.Policy);
        var observer = new RecordingObserver();
        var options = new TrainingOptions { Epochs = 10, BatchSize = 3, LearningRate = 2e-2, WarmupRatio = 0, MetricsInterval = 1, Seed = 5 };

        new SupervisedTrainer(objective, options, observer).Train(pairs, null, paddingId: 0, CancellationToken.None);

        var steps = observer.Steps.ToList();
        // A fresh adapter (B = 0) changes nothing, so the policy equals its reference at the first step.
        Assert.Equal(Math.Log(2), steps[0].TrainLoss, 5);
        Assert.True(steps[^1].TrainLoss < 0.5, $"the last step's loss is {steps[^1].TrainLoss}");
        Assert.True(steps[^1].Preference!.RewardsAccuracies > 0.9);
    }

    [Fact]
    public void Single_sequences_and_pairs_without_their_precomputed_reference_are_refused()
    {
        using var model = NewModel();
        var objective = new PreferenceObjective(model, new PreferenceLossOptions(), PreferenceReference.Precomputed);
        var trainer = new SupervisedTrainer(objective, Options(), new RecordingObserver());

        Assert.Contains("single sequence", Assert.Throws<ArgumentException>(() =>
            trainer.Train(Examples(Fruit), null, CharacterTokenizer.Pad, CancellationToken.None)).Message);
        Assert.Contains("carries none", Assert.Throws<ArgumentException>(() =>
            trainer.Train(Pairs(FruitPairs), null, CharacterTokenizer.Pad, CancellationToken.None)).Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
