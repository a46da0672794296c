using System.Text.Json.Nodes;
using TuningService.Core.Models.Decoder;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Tests.Models.Decoder;

/// <summary>Each family's config.json read with its own HF defaults and quirks (fixtures/README.md, "config.json: the keys that matter").</summary>
public sealed class DecoderConfigTests
{
    private static DecoderConfig Parse(JsonObject json) => (DecoderConfig)ModelFamilies.Resolve(json).ParseConfig(json);

    private static JsonObject FixtureConfig(string name) => ModelFolders.ReadConfig(DecoderFixtures.Folder(name));

    [Theory]
    [MemberData(nameof(DecoderFixtures.All), MemberType = typeof(DecoderFixtures))]
    public void Layer_types_window_and_head_dim_are_the_goldens(string name)
    {
        var family = DecoderFixtures.GoldenOf(name)["family"]!;
        var config = Parse(FixtureConfig(name));

        Assert.Equal(family["model_type"]!.GetValue<string>(), config.ModelType);
        Assert.Equal(family["layer_types"]!.AsArray().Select(t => t!.GetValue<string>() == "sliding_attention"), config.SlidingLayers);
        Assert.Equal(family["sliding_window_effective"]?.GetValue<int>(), config.SlidingLayers.Any(s => s) ? config.SlidingWindow : null);
        Assert.Equal(family["head_dim"]!.GetValue<int>(), config.HeadDim);
    }

    [Fact]
    public void Each_family_sets_its_own_quirks()
    {
        var qwen2 = Parse(FixtureConfig("qwen2-tiny"));
        var qwen3 = Parse(FixtureConfig("qwen3-tiny"));
        var phi3 = Parse(FixtureConfig("phi3-tiny"));
        var gemma2 = Parse(FixtureConfig("gemma2-tiny"));
        var gemma3 = Parse(FixtureConfig("gemma3-tiny"));

        Assert.Equal((true, false, true), (qwen2.QkvBias, qwen2.OutputBias, qwen2.TieWordEmbeddings));
        Assert.Null(qwen2.SlidingWindow); // use_sliding_window false: the 128 in config.json is ignored
        Assert.True(qwen3.QkNorm);
        Assert.Equal((true, 12), (phi3.FusedProjections, phi3.RotaryDim)); // int(16 · 0.75)
        Assert.Equal((50.0, 30.0), (gemma2.AttentionLogitSoftcapping, gemma2.FinalLogitSoftcapping));
        Assert.Equal(Math.Pow(12, -0.5), gemma2.AttentionScale);
        Assert.Equal((RmsNormStyle.Gemma, true, true), (gemma2.NormStyle, gemma2.SandwichNorms, gemma2.ScaleEmbeddings));
        Assert.Equal((null, null), (gemma3.AttentionLogitSoftcapping, gemma3.FinalLogitSoftcapping));
        Assert.Equal(new RopeSettings(1e6, 8.0), gemma3.GlobalRope);
        Assert.Equal(new RopeSettings(1e4), gemma3.LocalRope);
        Assert.Equal(Math.Pow(16, -0.5), gemma3.AttentionScale);
    }

    [Fact]
    public void Absent_keys_take_each_family_s_config_class_default()
    {
        static JsonObject Minimal(string modelType) => new()
        {
            ["model_type"] = modelType, ["hidden_size"] = 64, ["intermediate_size"] = 128, ["num_hidden_layers"] = 4,
            ["num_attention_heads"] = 4, ["vocab_size"] = 100,
        };

        var qwen2 = Parse(Minimal("qwen2"));
        var qwen3 = Parse(Minimal("qwen3"));
        var mistral = Parse(Minimal("mistral"));
        var phi3 = Parse(Minimal("phi3"));
        var gemma2 = Parse(Minimal("gemma2"));
        var gemma3 = Parse(Minimal("gemma3_text"));

        Assert.Equal([16, 128, 16, 16, 256, 256], new[] { qwen2, qwen3, mistral, phi3, gemma2, gemma3 }.Select(c => c.HeadDim));
        Assert.Equal([false, false, false, false, true, true], new[] { qwen2, qwen3, mistral, phi3, gemma2, gemma3 }.Select(c => c.TieWordEmbeddings));
        Assert.Equal(4096, mistral.SlidingWindow);
        Assert.All(mistral.SlidingLayers, Assert.True);
        Assert.All(qwen2.SlidingLayers, Assert.False);
        Assert.Equal([true, false, true, false], gemma2.SlidingLayers);
        Assert.Equal([true, true, true, true], gemma3.SlidingLayers); // pattern 6: layer 5 would be the first global one
        Assert.Equal("gelu_pytorch_tanh", gemma2.HiddenActivation);
        Assert.Equal(1e-5, phi3.RmsNormEps);
    }

    [Fact]
    public void An_explicit_layer_types_list_wins_over_the_family_rule()
    {
        var json = FixtureConfig("gemma3-tiny");
        json["layer_types"] = new JsonArray("full_attention", "sliding_attention", "full_attention");

        Assert.Equal([false, true, false], Parse(json).SlidingLayers);
    }

    [Fact]
    public void Settings_this_code_does_not_compute_are_refused()
    {
        var phi3 = FixtureConfig("phi3-tiny");
        phi3["rope_scaling"] = JsonNode.Parse("""{"type": "longrope", "short_factor": [1.0], "long_factor": [1.0]}""");
        var gemma3 = FixtureConfig("gemma3-tiny");
        gemma3["attn_logit_softcapping"] = 50.0;
        var qwen2 = FixtureConfig("qwen2-tiny");
        qwen2["rope_scaling"] = JsonNode.Parse("""{"rope_type": "yarn", "factor": 4.0}""");
        var mistral = FixtureConfig("mistral-tiny");
        mistral["hidden_act"] = "gelu";

        Assert.Throws<NotSupportedException>(() => Parse(phi3));
        Assert.Throws<NotSupportedException>(() => Parse(gemma3));
        Assert.Throws<NotSupportedException>(() => Parse(qwen2));
        Assert.Throws<NotSupportedException>(() => Parse(mistral));
    }
}
