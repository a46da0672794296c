using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>Adapters the loader must refuse, each before it changes the model.</summary>
public sealed class PeftAdapterLoaderTests
{
    /// <summary>A copy of the fixture adapter with its config and tensors edited.</summary>
    private static string EditedAdapter(TempFolder scratch, Action<JsonObject> editConfig, Action<Dictionary<string, Tensor>>? editTensors = null)
    {
        var folder = scratch.Combine("adapter");
        Directory.CreateDirectory(folder);
        var config = Golden.Read(Path.Combine(LoraFixtures.AdapterFolder, "adapter_config.json"));
        editConfig(config);
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), config.ToJsonString());
        var tensors = Safetensors.LoadStateDict(Path.Combine(LoraFixtures.AdapterFolder, "adapter_model.safetensors"));
        editTensors?.Invoke(tensors);
        SafetensorsWriter.Write(Path.Combine(folder, "adapter_model.safetensors"), tensors);
        return folder;
    }

    private static void AssertRefusedAndUntouched<TException>(string adapterFolder, string containing) where TException : Exception
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        var error = Assert.Throws<TException>(() => PeftAdapterLoader.Apply(loaded.Model, adapterFolder));
        Assert.Contains(containing, error.Message, StringComparison.Ordinal);
        Assert.Empty(LoraLayers.Find(loaded.Model));
    }

    [Theory]
    [InlineData("use_dora", "true", "DoRA")]
    [InlineData("peft_type", "\"IA3\"", "IA3")]
    [InlineData("bias", "\"all\"", "bias")]
    [InlineData("rank_pattern", "{\"q\": 8}", "rank_pattern")]
    [InlineData("modules_to_save", "[\"lm_head\"]", "modules_to_save")]
    [InlineData("target_modules", "\".*\\\\.q\"", "regular expression")]
    public void Options_this_service_cannot_apply_are_refused_by_name(string key, string json, string containing)
    {
        using var scratch = new TempFolder();
        var folder = EditedAdapter(scratch, config => config[key] = JsonNode.Parse(json));

        AssertRefusedAndUntouched<NotSupportedException>(folder, containing);
    }

    [Fact]
    public void A_rank_that_does_not_fit_the_tensors_is_refused()
    {
        using var scratch = new TempFolder();
        var folder = EditedAdapter(scratch, config => config["r"] = 8);

        AssertRefusedAndUntouched<InvalidDataException>(folder, "with r 8");
    }

    [Fact]
    public void Tensors_for_modules_the_model_lacks_are_refused()
    {
        using var scratch = new TempFolder();
        var folder = EditedAdapter(scratch, _ => { }, tensors =>
        {
            foreach (var suffix in new[] { "lora_A.weight", "lora_B.weight" })
            {
                var key = $"base_model.model.encoder.block.0.layer.0.SelfAttention.q.{suffix}";
                tensors[key.Replace("block.0", "block.7", StringComparison.Ordinal)] = tensors[key];
            }
        });

        AssertRefusedAndUntouched<InvalidDataException>(folder, "encoder.block.7.layer.0.SelfAttention.q");
    }

    [Fact]
    public void Tensors_other_than_lora_matrices_and_unpaired_matrices_are_refused()
    {
        using var scratch = new TempFolder();
        var extra = EditedAdapter(scratch, _ => { }, t => t["base_model.model.lm_head.weight"] = zeros(256, 64));
        AssertRefusedAndUntouched<InvalidDataException>(extra, "lm_head.weight");

        using var scratch2 = new TempFolder();
        var unpaired = EditedAdapter(scratch2, _ => { }, t => t.Remove("base_model.model.encoder.block.1.layer.0.SelfAttention.v.lora_B.weight"));
        AssertRefusedAndUntouched<InvalidDataException>(unpaired, "encoder.block.1.layer.0.SelfAttention.v");
    }

    [Fact]
    public void An_adapter_for_another_task_type_is_refused()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.Llama);

        Assert.Throws<InvalidDataException>(() => PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder));
        Assert.Empty(LoraLayers.Find(loaded.Model));
    }

    [Fact]
    public void A_trainable_load_leaves_the_adapters_trainable_and_the_base_frozen()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);

        PeftAdapterLoader.Apply(loaded.Model, LoraFixtures.AdapterFolder, trainable: true);

        Assert.Equal(12 * 4 * (64 + 64), LoraLayers.TrainableParameterCount(loaded.Model));
    }
}
