using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.Llama;

namespace TuningService.Core.Tests.Models.Llama;

public sealed class LlamaConfigTests
{
    private static JsonObject Minimal() => new()
    {
        ["model_type"] = "llama",
        ["hidden_size"] = 64,
        ["intermediate_size"] = 160,
        ["num_hidden_layers"] = 2,
        ["num_attention_heads"] = 4,
        ["vocab_size"] = 256,
    };

    [Fact]
    public void Absent_keys_take_hugging_face_defaults()
    {
        var config = LlamaConfig.FromJson(Minimal());

        Assert.Equal(4, config.NumKeyValueHeads);
        Assert.Equal(16, config.HeadDim);
        Assert.Equal(10000.0, config.RopeTheta);
        Assert.Equal(1e-6, config.RmsNormEps);
        Assert.False(config.AttentionBias);
        Assert.False(config.MlpBias);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal(1, config.BosTokenId);
        Assert.Equal([2], config.EosTokenIds);
        Assert.Null(config.PadTokenId);
    }

    [Fact]
    public void Fixture_config_values_are_read()
    {
        var config = Assert.IsType<LlamaConfig>(PretrainedModelLoader.LoadConfig(TestPaths.LlamaTiny));

        Assert.Equal((64, 160, 2), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers));
        Assert.Equal((4, 2, 16), (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim));
        Assert.Equal((256, 128), (config.VocabSize, config.MaxPositionEmbeddings));
        Assert.Equal(1e-6, config.RmsNormEps);
        Assert.Equal(2, config.EosTokenId);
    }

    [Fact]
    public void A_list_of_eos_ids_is_kept_whole()
    {
        var json = Minimal();
        json["eos_token_id"] = new JsonArray(128001, 128009);

        Assert.Equal([128001, 128009], LlamaConfig.FromJson(json).EosTokenIds);
    }

    [Fact]
    public void An_activation_other_than_silu_is_refused()
    {
        var json = Minimal();
        json["hidden_act"] = "gelu";

        var error = Assert.Throws<NotSupportedException>(() => LlamaConfig.FromJson(json));
        Assert.Contains("hidden_act 'gelu'", error.Message);
    }

    [Fact]
    public void Rope_scaling_is_refused()
    {
        var json = Minimal();
        json["rope_scaling"] = new JsonObject { ["type"] = "linear", ["factor"] = 2.0 };

        var error = Assert.Throws<NotSupportedException>(() => LlamaConfig.FromJson(json));
        Assert.Contains("rope_scaling", error.Message);
    }

    [Fact]
    public void A_missing_required_key_is_named()
    {
        var json = Minimal();
        json.Remove("vocab_size");

        var error = Assert.Throws<InvalidDataException>(() => LlamaConfig.FromJson(json));
        Assert.Contains("'vocab_size'", error.Message);
    }

    [Fact]
    public void A_wrongly_typed_value_is_named()
    {
        var json = Minimal();
        json["hidden_size"] = "64";

        var error = Assert.Throws<InvalidDataException>(() => LlamaConfig.FromJson(json));
        Assert.Contains("'hidden_size' must be an integer", error.Message);
    }

    [Theory]
    [InlineData("gpt_neox", null, "model_type 'gpt_neox'")]
    [InlineData("llama", "LlamaForSequenceClassification", "architecture 'LlamaForSequenceClassification'")]
    public void Unsupported_models_are_refused(string modelType, string? architecture, string expected)
    {
        var json = Minimal();
        json["model_type"] = modelType;
        if (architecture is not null) json["architectures"] = new JsonArray(architecture);

        var error = Assert.Throws<NotSupportedException>(() => ModelFamilies.Resolve(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Architectures_alone_select_the_family()
    {
        var json = Minimal();
        json.Remove("model_type");
        json["architectures"] = new JsonArray("LlamaForCausalLM");

        Assert.IsType<LlamaFamily>(ModelFamilies.Resolve(json));
    }
}
