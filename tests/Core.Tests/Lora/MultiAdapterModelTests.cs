using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>
/// Several PEFT adapters beside one base model compute, each when selected, exactly what that adapter alone computes
/// through <see cref="PeftAdapterLoader"/> (the same operations: bit-identical), and so what its merged model computes
/// up to rounding; with none selected the base is untouched. fp32 throughout. Against the merged model the logits
/// agree to 1e-4 of the largest logit (at least 1e-4 absolute): the merged weight W + s·B·A and the unmerged
/// W·x + s·B·(A·x) round differently, and these random adapters (B ~ 0.5·N(0, 1)) move the tiny T5, whose attention
/// is unscaled, far enough that its logits reach ~17 and differ by ~3e-4.
/// </summary>
public sealed class MultiAdapterModelTests
{
    const double RelativeTolerance = 1e-4;

    /// <summary>An all-linear r-4 adapter of <paramref name="family"/> with a non-zero B, saved as PEFT and merged.</summary>
    static (string Adapter, string Merged) FineTune(TempFolder scratch, string family, int seed)
    {
        using var loaded = LoraFixtures.Load(family);
        var lora = LoraModel.Apply(loaded, new LoraConfig { R = 4, Alpha = 8, TargetModules = [LoraConfig.AllLinear] }, seed);
        LoraFixtures.RandomizeB(loaded.Model, seed);
        var adapter = scratch.Combine($"adapter-{seed}");
        var merged = scratch.Combine($"merged-{seed}");
        lora.SaveAdapter(adapter, family);
        lora.SaveMerged(merged);
        return (adapter, merged);
    }

    static Tensor MergedLogits(string mergedFolder, string family)
    {
        using var merged = LoraFixtures.Load(mergedFolder);
        return LoraFixtures.BatchLogits(merged, family);
    }

    static Tensor SingleAdapterLogits(string adapterFolder, string family)
    {
        using var alone = LoraFixtures.Load(family);
        PeftAdapterLoader.Apply(alone.Model, adapterFolder);
        return LoraFixtures.BatchLogits(alone, family);
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void Each_adapter_selected_in_turn_computes_its_merged_model_and_none_computes_the_base(string family)
    {
        using var scratch = new TempFolder();
        var first = FineTune(scratch, family, seed: 1);
        var second = FineTune(scratch, family, seed: 2);
        using var mergedFirst = MergedLogits(first.Merged, family);
        using var mergedSecond = MergedLogits(second.Merged, family);
        using var aloneFirst = SingleAdapterLogits(first.Adapter, family);
        using var aloneSecond = SingleAdapterLogits(second.Adapter, family);
        using var shared = LoraFixtures.Load(family);
        using var baseLogits = LoraFixtures.BatchLogits(shared, family);
        using var adapters = new MultiAdapterModel(shared.Model);

        adapters.Add("first", first.Adapter);
        adapters.Add("second", second.Adapter);

        foreach (var (name, merged, alone) in new[] { ("first", mergedFirst, aloneFirst), ("second", mergedSecond, aloneSecond), ("first", mergedFirst, aloneFirst) })
        {
            adapters.Activate(name);
            using var logits = LoraFixtures.BatchLogits(shared, family);
            Assert.Equal(0, LoraFixtures.MaxAbsDiff(logits, alone));
            using var largest = merged.abs().max();
            var bound = RelativeTolerance * Math.Max(1, largest.item<float>());
            var diff = LoraFixtures.MaxAbsDiff(logits, merged);
            Assert.True(diff <= bound, $"{family}, adapter {name}: max |Δ| = {diff} against the merged model, bound {bound}");
        }
        Assert.True(LoraFixtures.MaxAbsDiff(mergedFirst, mergedSecond) > 1e-2, "the two adapters must differ for the test to mean anything");
        adapters.Activate(null);
        using var after = LoraFixtures.BatchLogits(shared, family);
        Assert.Equal(0, LoraFixtures.MaxAbsDiff(after, baseLogits));
    }

    [Fact]
    public void A_removed_adapter_frees_its_name_and_the_base_keeps_the_state_dict_of_the_base()
    {
        using var scratch = new TempFolder();
        var adapter = FineTune(scratch, LoraFixtures.Llama, seed: 3).Adapter;
        using var shared = LoraFixtures.Load(LoraFixtures.Llama);
        var keys = shared.Model.state_dict().Keys.Order(StringComparer.Ordinal).ToList();
        using var adapters = new MultiAdapterModel(shared.Model);

        var bytes = adapters.Add("a", adapter);
        Assert.True(bytes > 0);
        Assert.Equal(keys, shared.Model.state_dict().Keys.Order(StringComparer.Ordinal).ToList());
        adapters.Activate("a");
        Assert.True(adapters.Remove("a"));

        Assert.Null(adapters.ActiveName);
        Assert.Empty(adapters.Names);
        Assert.Throws<InvalidOperationException>(() => adapters.Activate("a"));
        Assert.Equal(bytes, adapters.Add("a", adapter)); // the name can be loaded again
    }

    [Fact]
    public void An_adapter_for_another_model_is_refused_and_leaves_the_model_as_it_was()
    {
        using var scratch = new TempFolder();
        var gpt2Adapter = FineTune(scratch, LoraFixtures.Gpt2, seed: 4).Adapter;
        using var shared = LoraFixtures.Load(LoraFixtures.Llama);
        using var before = LoraFixtures.BatchLogits(shared, LoraFixtures.Llama);
        using var adapters = new MultiAdapterModel(shared.Model);

        Assert.Throws<InvalidDataException>(() => adapters.Add("gpt2", gpt2Adapter));

        Assert.Empty(adapters.Names);
        Assert.DoesNotContain(LoraTargets.DepthFirst(shared.Model), entry => entry.Module is MultiAdapterLinear);
        using var after = LoraFixtures.BatchLogits(shared, LoraFixtures.Llama);
        Assert.Equal(0, LoraFixtures.MaxAbsDiff(after, before));
    }
}
