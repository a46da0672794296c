using TuningService.Core.Lora;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.Lora;

/// <summary>
/// LoRA through the ordinary trainer (TrainingSetup.ForLora): torchtune's and PEFT's checks that only the adapters
/// train, that merging keeps the trained outputs, and that the saved adapter reproduces them.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class LoraTrainingTests
{
    private static readonly (string Prompt, string Completion)[] Colours =
    [
        ("red?", "apple"), ("yellow?", "banana"), ("purple?", "grape"),
        ("orange?", "orange"), ("green?", "lime"), ("brown?", "kiwi"),
    ];

    private static readonly LoraConfig Config = new() { R = 4, Alpha = 8, Dropout = 0.1, TargetModules = [LoraConfig.AllLinear] };

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 4, BatchSize = 2, LearningRate = 1e-2, WarmupRatio = 0.1, MetricsInterval = 3, Seed = 7,
    };

    private static (TrainingSetup Setup, RecordingObserver Observer) Train(Core.Models.HuggingFace.LoadedModel loaded, Action? beforeTraining = null)
    {
        var setup = TrainingSetup.ForLora(loaded, new CharacterTokenizer(), Config, seed: 1);
        beforeTraining?.Invoke();
        var observer = new RecordingObserver();
        new SupervisedTrainer(setup.Objective, Options, observer)
            .Train(setup.Examples.TokenizeAll(Colours).Examples, null, setup.Examples.PaddingId, CancellationToken.None);
        loaded.Model.eval();
        return (setup, observer);
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void Training_changes_every_adapter_matrix_and_no_base_tensor(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var baseBefore = LoraFixtures.Snapshot(loaded.Model);
        Dictionary<string, TorchSharp.torch.Tensor> adaptersBefore = [];

        var (setup, observer) = Train(loaded, () => adaptersBefore = LoraFixtures.Snapshot(loaded.Model)
            .Where(e => e.Key.Contains(".lora_", StringComparison.Ordinal)).ToDictionary());

        var after = loaded.Model.state_dict();
        Assert.All(baseBefore, entry => Assert.True(Golden.Identical(entry.Value, after[entry.Key]), $"{entry.Key} changed"));
        Assert.Equal(2 * setup.Lora!.WrappedModules.Count, adaptersBefore.Count);
        Assert.All(adaptersBefore, entry => Assert.False(Golden.Identical(entry.Value, after[entry.Key]), $"{entry.Key} did not train"));
        Assert.True(observer.Epochs[^1].TrainLoss < observer.Epochs[0].TrainLoss,
            $"train loss {observer.Epochs[0].TrainLoss} -> {observer.Epochs[^1].TrainLoss}");
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void After_training_the_merged_model_and_the_reloaded_adapter_give_the_trained_outputs(string name)
    {
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(name);
        var (setup, _) = Train(loaded);
        using var trained = LoraFixtures.BatchLogits(loaded, name);

        setup.Lora!.SaveAdapter(scratch.Combine("adapter"), name);
        using var fresh = LoraFixtures.Load(name);
        PeftAdapterLoader.Apply(fresh.Model, scratch.Combine("adapter"));
        using var reloaded = LoraFixtures.BatchLogits(fresh, name);
        LoraLayers.MergeAll(loaded.Model);
        using var merged = LoraFixtures.BatchLogits(loaded, name);

        Assert.True(Golden.Identical(trained, reloaded));
        Golden.AssertLogitsClose(trained.data<float>().ToArray(), merged.data<float>().ToArray(), $"{name} merged vs unmerged after training");
    }
}
