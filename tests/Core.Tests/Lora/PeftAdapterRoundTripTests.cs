using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using TuningService.Core.Lora;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>Adapters written by <see cref="PeftAdapterWriter"/>: PEFT's file layout, and loading them back.</summary>
public sealed class PeftAdapterRoundTripTests
{
    private static readonly LoraConfig Rank4 = new() { R = 4, Alpha = 8 };

    [Fact]
    public void Resaving_the_fixture_adapter_writes_its_tensors_and_config_values()
    {
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        var adapter = PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder);

        PeftAdapterWriter.Save(loaded.Model, adapter.Config, scratch.Combine("adapter"), "flan-t5-tiny", PeftTaskTypes.Seq2SeqLm);

        var original = Safetensors.LoadStateDict(Path.Combine(LoraFixtures.AdapterFolder, "adapter_model.safetensors"));
        var saved = Safetensors.LoadStateDict(scratch.Combine("adapter/adapter_model.safetensors"));
        Assert.Equal(original.Keys.Order(), saved.Keys.Order());
        Assert.All(original, entry => Assert.True(Golden.Identical(entry.Value, saved[entry.Key]), entry.Key));
        var expected = Golden.Read(Path.Combine(LoraFixtures.AdapterFolder, "adapter_config.json"));
        var written = Golden.Read(scratch.Combine("adapter/adapter_config.json"));
        foreach (var key in new[] { "peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules", "bias",
                     "fan_in_fan_out", "base_model_name_or_path", "inference_mode", "use_rslora", "use_dora", "modules_to_save" })
            Assert.True(JsonNode.DeepEquals(expected[key], written[key]) || NumbersEqual(expected[key], written[key]),
                $"{key}: fixture {expected[key]?.ToJsonString()}, written {written[key]?.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void Save_then_load_onto_a_fresh_base_gives_identical_logits(string name)
    {
        using var scratch = new TempFolder();
        using var trained = LoraFixtures.Load(name);
        LoraInjector.Apply(trained.Model, Rank4, trained.Config.ModelType);
        LoraFixtures.RandomizeB(trained.Model, seed: 5);
        using var expected = LoraFixtures.BatchLogits(trained, name);

        PeftAdapterWriter.Save(trained.Model, Rank4, scratch.Combine("adapter"), name, PeftTaskTypes.For(trained.Model));
        using var fresh = LoraFixtures.Load(name);
        var adapter = PeftAdapterLoader.Apply(fresh.Model, scratch.Combine("adapter"));

        using var actual = LoraFixtures.BatchLogits(fresh, name);
        Assert.True(Golden.Identical(expected, actual));
        Assert.Equal(LoraLayers.Find(trained.Model).Select(l => l.Path), adapter.WrappedModules);
        Assert.Equal(0, LoraLayers.TrainableParameterCount(fresh.Model)); // inference mode, as PEFT loads by default
    }

    [Fact]
    public void Gpt2_adapters_are_saved_fan_in_fan_out_with_peft_shapes()
    {
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(LoraFixtures.Gpt2);
        LoraInjector.Apply(loaded.Model, Rank4, "gpt2");

        PeftAdapterWriter.Save(loaded.Model, Rank4, scratch.Combine("adapter"), "gpt2-tiny", PeftTaskTypes.CausalLm);

        var config = Golden.Read(scratch.Combine("adapter/adapter_config.json"));
        Assert.True(config["fan_in_fan_out"]!.GetValue<bool>());
        Assert.Equal("CAUSAL_LM", config["task_type"]!.GetValue<string>());
        Assert.Equal(["c_attn"], config["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()));
        var tensors = Safetensors.LoadStateDict(scratch.Combine("adapter/adapter_model.safetensors"));
        Assert.Equal(
            ["base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
             "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight", "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight"],
            tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([4, 64], tensors["base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"].shape);  // [r, in]
        Assert.Equal([192, 4], tensors["base_model.model.transformer.h.0.attn.c_attn.lora_B.weight"].shape); // [out, r]
    }

    [Fact]
    public void All_linear_is_recorded_as_the_wrapped_module_names()
    {
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(LoraFixtures.Llama);
        var config = Rank4 with { TargetModules = [LoraConfig.AllLinear] };
        LoraInjector.Apply(loaded.Model, config, "llama");

        PeftAdapterWriter.Save(loaded.Model, config, scratch.Combine("adapter"), "llama-tiny", PeftTaskTypes.CausalLm);

        var written = Golden.Read(scratch.Combine("adapter/adapter_config.json"))["target_modules"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"], written);
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void A_saved_merged_model_reloads_without_adapters_and_matches_the_unmerged_logits(string name)
    {
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(name);
        var lora = LoraModelFor(loaded);
        LoraFixtures.RandomizeB(loaded.Model, seed: 11);
        using var unmerged = LoraFixtures.BatchLogits(loaded, name);

        lora.SaveMerged(scratch.Combine("merged"));

        Assert.Equal(ModelFolders.ReadTensors(LoraFixtures.Folder(name)).Keys.Order(), ModelFolders.ReadTensors(scratch.Combine("merged")).Keys.Order());
        using var reloaded = LoraFixtures.Load(scratch.Combine("merged"));
        using var merged = LoraFixtures.BatchLogits(reloaded, name);
        Golden.AssertLogitsClose(unmerged.data<float>().ToArray(), merged.data<float>().ToArray(), $"{name} merged vs unmerged");
    }

    [Fact]
    public void Saving_needs_adapters_a_known_task_type_and_the_config_they_were_made_with()
    {
        using var scratch = new TempFolder();
        using var loaded = LoraFixtures.Load(LoraFixtures.Llama);
        Assert.Throws<InvalidOperationException>(() => PeftAdapterWriter.Save(loaded.Model, Rank4, scratch.Combine("a"), "x", PeftTaskTypes.CausalLm));
        LoraInjector.Apply(loaded.Model, Rank4, "llama");

        Assert.Throws<ArgumentException>(() => PeftAdapterWriter.Save(loaded.Model, Rank4, scratch.Combine("a"), "x", "TOKEN_CLS"));
        Assert.Throws<ArgumentException>(() => PeftAdapterWriter.Save(loaded.Model, Rank4 with { R = 8 }, scratch.Combine("a"), "x", PeftTaskTypes.CausalLm));
        Assert.False(Directory.Exists(scratch.Combine("a")));
    }

    private static LoraModel LoraModelFor(Core.Models.HuggingFace.LoadedModel loaded) =>
        LoraModel.Apply(loaded, Rank4 with { TargetModules = [LoraConfig.AllLinear] }, seed: 3);

    private static bool NumbersEqual(JsonNode? a, JsonNode? b) =>
        a is JsonValue x && b is JsonValue y && x.TryGetValue<double>(out var p) && y.TryGetValue<double>(out var q) && p == q;
}
