using TuningService.Core.Lora;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>Which layers LoRA wraps in each family, what stays trainable, and the state-dict names afterwards.</summary>
public sealed class LoraInjectorTests
{
    private static readonly LoraConfig Rank4 = new() { R = 4, Alpha = 8 };

    [Fact]
    public void T5_defaults_wrap_q_and_v_of_self_and_cross_attention_as_the_peft_fixture_lists()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        var expected = LoraFixtures.GoldenOf(LoraFixtures.AdapterFolder)["adapter"]!["wrapped_modules"]!
            .AsArray().Select(n => n!.GetValue<string>()).ToList();

        var wrapped = LoraInjector.Apply(loaded.Model, Rank4, "t5");

        Assert.Equal(12, expected.Count);
        Assert.Equal(expected, wrapped);
    }

    [Fact]
    public void Llama_and_gpt2_defaults_wrap_q_proj_v_proj_and_the_fused_c_attn()
    {
        using var llama = LoraFixtures.Load(LoraFixtures.Llama);
        using var gpt2 = LoraFixtures.Load(LoraFixtures.Gpt2);

        Assert.Equal(
            ["model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj", "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"],
            LoraInjector.Apply(llama.Model, Rank4, "llama"));
        Assert.Equal(["transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn"], LoraInjector.Apply(gpt2.Model, Rank4, "gpt2"));
        Assert.All(LoraLayers.Find(gpt2.Model), l => Assert.True(l.Layer.FanInFanOut));
        Assert.All(LoraLayers.Find(llama.Model), l => Assert.False(l.Layer.FanInFanOut));
    }

    [Theory]
    [InlineData(LoraFixtures.FlanT5, "t5", 36)]  // encoder 2 × (q k v o wi_0 wi_1 wo), decoder 2 × (4 self + 4 cross + 3 FF)
    [InlineData(LoraFixtures.Llama, "llama", 14)] // 2 × (q k v o gate up down)
    [InlineData(LoraFixtures.Gpt2, "gpt2", 8)]    // 2 × (c_attn attn.c_proj c_fc mlp.c_proj)
    public void All_linear_wraps_every_linear_layer_but_the_output_head(string name, string modelType, int expected)
    {
        using var loaded = LoraFixtures.Load(name);

        var wrapped = LoraInjector.Apply(loaded.Model, Rank4 with { TargetModules = [LoraConfig.AllLinear] }, modelType);

        Assert.Equal(expected, wrapped.Count);
        Assert.DoesNotContain(wrapped, path => path.Contains("lm_head", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LoraFixtures.FlanT5, "t5", 12 * 4 * (64 + 64))]
    [InlineData(LoraFixtures.Llama, "llama", 2 * 4 * (64 + 64) + 2 * 4 * (64 + 32))] // q_proj 64→64, v_proj 64→32 (2 kv heads)
    [InlineData(LoraFixtures.Gpt2, "gpt2", 2 * 4 * (64 + 192))]                    // c_attn 64→192
    public void Only_the_adapter_matrices_require_grad(string name, string modelType, long expectedTrainable)
    {
        using var loaded = LoraFixtures.Load(name);

        LoraInjector.Apply(loaded.Model, Rank4, modelType);

        var trainable = loaded.Model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.NotEmpty(trainable);
        Assert.All(trainable, n => Assert.Matches(@"\.lora_[AB]\.weight$", n));
        Assert.Equal(expectedTrainable, LoraLayers.TrainableParameterCount(loaded.Model));
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void Base_state_dict_names_and_tensors_stay_and_adapter_names_are_added(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var before = loaded.Model.state_dict();

        var wrapped = LoraInjector.Apply(loaded.Model, Rank4, loaded.Config.ModelType);

        var after = loaded.Model.state_dict();
        var added = wrapped.SelectMany(p => new[] { $"{p}.lora_A.weight", $"{p}.lora_B.weight" });
        Assert.Equal(before.Keys.Concat(added).Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.All(before, entry => Assert.Same(entry.Value, after[entry.Key]));
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void A_fresh_adapter_leaves_the_model_logits_bit_identical(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        using var before = LoraFixtures.BatchLogits(loaded, name);

        LoraInjector.Apply(loaded.Model, Rank4 with { TargetModules = [LoraConfig.AllLinear] }, loaded.Config.ModelType);

        using var after = LoraFixtures.BatchLogits(loaded, name);
        Assert.True(Models.Golden.Identical(before, after));
    }

    [Fact]
    public void Targets_that_match_nothing_or_a_non_linear_module_or_a_second_adapter_are_refused()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);

        Assert.Throws<ArgumentException>(() => LoraInjector.Apply(loaded.Model, Rank4 with { TargetModules = ["q_proj"] }, "t5"));
        Assert.Throws<NotSupportedException>(() => LoraInjector.Apply(loaded.Model, Rank4 with { TargetModules = ["SelfAttention"] }, "t5"));
        Assert.Throws<NotSupportedException>(() => LoraInjector.Apply(loaded.Model, Rank4 with { TargetModules = ["lm_head"] }, "t5"));
        Assert.Empty(LoraLayers.Find(loaded.Model));
        LoraInjector.Apply(loaded.Model, Rank4, "t5");
        Assert.Throws<InvalidOperationException>(() => LoraInjector.Apply(loaded.Model, Rank4, "t5"));
    }

    [Fact]
    public void Peft_name_matching_takes_whole_names_or_dotted_suffixes()
    {
        Assert.True(LoraTargets.Matches("decoder.block.0.layer.1.EncDecAttention.q", ["q"]));
        Assert.True(LoraTargets.Matches("decoder.block.0.layer.1.EncDecAttention.q", ["EncDecAttention.q"]));
        Assert.False(LoraTargets.Matches("decoder.block.0.layer.0.SelfAttention.q", ["EncDecAttention.q"]));
        Assert.False(LoraTargets.Matches("model.layers.0.self_attn.q_proj", ["proj"]));
        Assert.True(LoraTargets.Matches("lm_head", ["lm_head"]));
    }
}
