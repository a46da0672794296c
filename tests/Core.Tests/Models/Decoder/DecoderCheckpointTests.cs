using System.Text.Json.Nodes;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Decoder;

/// <summary>Module names equal to the checkpoint's, saving as save_pretrained does, and each family's LoRA targets.</summary>
public sealed class DecoderCheckpointTests : IDisposable
{
    private static readonly LoraConfig Rank4 = new() { R = 4, Alpha = 8 };
    private readonly TempFolder scratch = new();

    [Theory]
    [MemberData(nameof(DecoderFixtures.All), MemberType = typeof(DecoderFixtures))]
    public void State_dict_names_and_shapes_are_the_checkpoint_s(string name)
    {
        using var loaded = DecoderFixtures.Load(name);
        var stored = ModelFolders.ReadTensors(DecoderFixtures.Folder(name));

        var own = loaded.Model.state_dict();
        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), own.Keys.Order(StringComparer.Ordinal));
        Assert.All(stored, entry => Assert.Equal(entry.Value.shape, own[entry.Key].shape));
    }

    [Theory]
    [MemberData(nameof(DecoderFixtures.All), MemberType = typeof(DecoderFixtures))]
    public void Save_writes_the_same_config_and_tensors_and_reloads_to_identical_logits(string name)
    {
        using var original = DecoderFixtures.Load(name);
        var saved = scratch.Combine(name);
        PretrainedModelWriter.Save(original.Model, original.Config, saved);
        using var reloaded = PretrainedModelLoader.Load(saved, CPU);

        Assert.True(JsonNode.DeepEquals(ModelFolders.ReadConfig(DecoderFixtures.Folder(name)), ModelFolders.ReadConfig(saved)));
        var expected = ModelFolders.ReadTensors(DecoderFixtures.Folder(name));
        var written = ModelFolders.ReadTensors(saved);
        // Tied families (qwen2, the Gemmas) store embed_tokens once and no lm_head.weight, as HF does.
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, entry => Assert.True(Golden.Identical(entry.Value, written[entry.Key]), entry.Key));
        using var ids = Golden.IdTensor(DecoderFixtures.GoldenOf(name)["long_sequence"]!["inputs"]!["input_ids"]);
        using var noGrad = no_grad();
        using var before = original.AsCausalLanguageModel().forward(ids);
        using var after = reloaded.AsCausalLanguageModel().forward(ids);
        Assert.True(Golden.Identical(before, after));
    }

    [Theory]
    [InlineData("qwen2-tiny", "q_proj", "v_proj")]
    [InlineData("qwen3-tiny", "q_proj", "v_proj")]
    [InlineData("mistral-tiny", "q_proj", "v_proj")]
    [InlineData("gemma2-tiny", "q_proj", "v_proj")]
    [InlineData("gemma3-tiny", "q_proj", "v_proj")]
    [InlineData("phi3-tiny", "qkv_proj")] // PEFT has no phi3 default; the fused projection holds q and v
    public void Default_lora_targets_are_peft_s_per_family(string name, params string[] targets)
    {
        using var loaded = DecoderFixtures.Load(name);

        var wrapped = LoraInjector.Apply(loaded.Model, Rank4, loaded.Config.ModelType);

        var layers = name.StartsWith("gemma", StringComparison.Ordinal) ? 3 : 2;
        Assert.Equal(Enumerable.Range(0, layers).SelectMany(i => targets.Select(t => $"model.layers.{i}.self_attn.{t}")), wrapped);
    }

    [Theory]
    [InlineData("qwen2-tiny", new[] { "down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj" })]
    [InlineData("phi3-tiny", new[] { "down_proj", "gate_up_proj", "o_proj", "qkv_proj" })]
    [InlineData("gemma3-tiny", new[] { "down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj" })]
    public void All_linear_wraps_the_hf_module_names_and_saves_them_for_peft(string name, string[] expected)
    {
        using var loaded = DecoderFixtures.Load(name);
        var config = Rank4 with { TargetModules = [LoraConfig.AllLinear] };
        LoraInjector.Apply(loaded.Model, config, loaded.Config.ModelType);

        PeftAdapterWriter.Save(loaded.Model, config, scratch.Combine("adapter"), name, PeftTaskTypes.CausalLm);

        var written = Golden.Read(scratch.Combine("adapter/adapter_config.json"))["target_modules"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(expected, written);
    }

    public void Dispose() => scratch.Dispose();
}
