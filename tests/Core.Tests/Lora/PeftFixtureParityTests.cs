using TuningService.Core.Generation;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Models.T5;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>
/// The PEFT adapter fixture (flan-t5-tiny-lora, made by a PEFT-faithful reference) applied to flan-t5-tiny, against
/// its golden (unmerged) and against the merged checkpoint flan-t5-tiny-lora-merged and its golden.
/// </summary>
public sealed class PeftFixtureParityTests
{
    [Fact]
    public void Loading_the_adapter_reproduces_the_golden_logits_and_loss()
    {
        var golden = LoraFixtures.GoldenOf(LoraFixtures.AdapterFolder);
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);

        var adapter = PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder);

        Assert.Equal((4, 8.0, 0.0, 2.0), (adapter.Config.R, adapter.Config.Alpha, adapter.Config.Dropout, adapter.Config.Scaling));
        Assert.Equal(["q", "v"], adapter.Config.TargetModules);
        Assert.Equal(("SEQ_2_SEQ_LM", "flan-t5-tiny"), (adapter.TaskType, adapter.BaseModelNameOrPath));
        Assert.Equal(12, adapter.WrappedModules.Count);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, labels, decoderInputIds) = T5Fixtures.Batch(golden["inputs"]!);
        var logits = ((T5ForConditionalGeneration)loaded.Model).forward(inputIds, mask, decoderInputIds);
        Golden.AssertLogitsClose(Golden.Floats(golden["logits"]!["data"]), logits.data<float>().ToArray(), "adapter logits");
        Golden.AssertLossClose(golden["loss"]!.GetValue<double>(), Seq2SeqLoss.Compute(logits, labels).item<float>(), "adapter loss");
    }

    [Fact]
    public void Loading_the_adapter_reproduces_the_golden_greedy_continuation()
    {
        var greedy = LoraFixtures.GoldenOf(LoraFixtures.AdapterFolder)["greedy"]!;
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder);

        var result = Seq2SeqGreedyGenerator.Generate((T5ForConditionalGeneration)loaded.Model, Golden.Ints(greedy["input_ids"]),
            greedy["max_new_tokens"]!.GetValue<int>(), greedy["eos_token_id"]!.GetValue<int>(), useCache: true);

        Assert.Equal(Golden.Ints(greedy["new_tokens"]), result.TokenIds);
    }

    [Fact]
    public void Merging_reproduces_the_merged_checkpoint_weights_and_its_golden_logits()
    {
        var mergedGolden = LoraFixtures.GoldenOf(LoraFixtures.MergedFolder);
        var mergedWeights = ModelFolders.ReadTensors(LoraFixtures.MergedFolder);
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder);

        LoraLayers.MergeAll(loaded.Model);

        // The fixture wrote W + 2·B@A rounded once; fp32 arithmetic rounds B@A, the scaling and the sum, so a few
        // units in the last place of the largest weight separate the two (4 ulps allowed; 1 is seen).
        var state = loaded.Model.state_dict();
        foreach (var (key, expected) in mergedWeights)
        {
            using var largest = expected.abs().max();
            var allowed = 4 * Math.Pow(2, -23) * largest.item<float>();
            var diff = LoraFixtures.MaxAbsDiff(expected, state[key]);
            Assert.True(diff <= allowed, $"{key} differs from the merged checkpoint by {diff:g3} (allowed {allowed:g3}).");
        }
        using var logits = LoraFixtures.BatchLogits(loaded, LoraFixtures.FlanT5);
        Golden.AssertLogitsClose(Golden.Floats(mergedGolden["logits"]!["data"]), logits.data<float>().ToArray(), "merged logits");
    }

    [Fact]
    public void Saving_the_adapted_model_writes_the_merged_checkpoint_under_hf_names_without_changing_the_model()
    {
        var mergedGolden = LoraFixtures.GoldenOf(LoraFixtures.MergedFolder);
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder);

        PretrainedModelWriter.Save(loaded.Model, loaded.Config, scratch.Combine("merged"));

        Assert.Equal(ModelFolders.ReadTensors(LoraFixtures.MergedFolder).Keys.Order(), ModelFolders.ReadTensors(scratch.Combine("merged")).Keys.Order());
        Assert.All(LoraLayers.Find(loaded.Model), l => Assert.False(l.Layer.Merged));
        using var reloaded = LoraFixtures.Load(scratch.Combine("merged"));
        using var logits = LoraFixtures.BatchLogits(reloaded, LoraFixtures.FlanT5);
        Golden.AssertLogitsClose(Golden.Floats(mergedGolden["logits"]!["data"]), logits.data<float>().ToArray(), "saved merged logits");
    }
}
