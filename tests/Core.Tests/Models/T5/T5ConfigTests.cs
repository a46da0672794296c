using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;

namespace TuningService.Core.Tests.Models.T5;

public sealed class T5ConfigTests
{
    [Fact]
    public void V1_0_config_is_relu_tied_with_t5_special_ids()
    {
        var config = (T5Config)PretrainedModelLoader.LoadConfig(T5Fixtures.Folder(T5Fixtures.V10Tiny));

        Assert.Equal(("relu", false, true), (config.DenseActFn, config.IsGatedAct, config.TieWordEmbeddings));
        Assert.Equal((64, 16, 128, 2, 2, 4), (config.DModel, config.DKv, config.DFf, config.NumLayers, config.NumDecoderLayers, config.NumHeads));
        Assert.Equal((32, 128, 1e-6), (config.RelativeAttentionNumBuckets, config.RelativeAttentionMaxDistance, config.LayerNormEpsilon));
        Assert.Equal((0, 1, 0, 256), (config.PadTokenId, config.EosTokenId, config.DecoderStartTokenId, config.VocabSize));
    }

    [Fact]
    public void Flan_config_is_gated_gelu_new_and_untied()
    {
        var config = (T5Config)PretrainedModelLoader.LoadConfig(T5Fixtures.Folder(T5Fixtures.FlanTiny));

        Assert.Equal(("gated-gelu", "gelu_new", true, false),
            (config.FeedForwardProj, config.DenseActFn, config.IsGatedAct, config.TieWordEmbeddings));
    }

    [Theory]
    [InlineData("relu", "relu", false)]
    [InlineData("gated-gelu", "gelu_new", true)] // HF's backwards-compatibility rule
    [InlineData("gelu", "gelu", false)]
    [InlineData("gated-relu", "relu", true)]
    public void Feed_forward_proj_alone_decides_the_activation_as_in_configuration_t5(string proj, string act, bool gated)
    {
        var config = T5Config.FromJson(Minimal(proj));

        Assert.Equal((act, gated), (config.DenseActFn, config.IsGatedAct));
    }

    [Fact]
    public void Absent_optional_keys_take_hf_defaults()
    {
        var config = T5Config.FromJson(Minimal("relu"));

        Assert.Equal(config.NumLayers, config.NumDecoderLayers);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal((32, 128, 0.1), (config.RelativeAttentionNumBuckets, config.RelativeAttentionMaxDistance, config.DropoutRate));
        Assert.Equal((0, 1, 0), (config.PadTokenId, config.EosTokenId, config.DecoderStartTokenId));
    }

    [Theory]
    [InlineData("gated-silu")]
    [InlineData("gelu_pytorch_tanh")]
    public void Unsupported_activations_are_refused(string proj) =>
        Assert.Throws<NotSupportedException>(() => T5Config.FromJson(Minimal(proj)));

    [Theory]
    [InlineData("fancy-relu")]
    [InlineData("gated-gelu-new")]
    public void Malformed_feed_forward_proj_is_refused(string proj) =>
        Assert.Throws<InvalidDataException>(() => T5Config.FromJson(Minimal(proj)));

    [Fact]
    public void Model_type_t5_resolves_to_the_t5_family() =>
        Assert.IsType<T5Family>(ModelFamilies.Resolve(Minimal("relu")));

    private static JsonObject Minimal(string feedForwardProj) => new()
    {
        ["model_type"] = "t5", ["architectures"] = new JsonArray("T5ForConditionalGeneration"),
        ["vocab_size"] = 32, ["d_model"] = 8, ["d_kv"] = 2, ["d_ff"] = 16, ["num_layers"] = 1, ["num_heads"] = 4,
        ["feed_forward_proj"] = feedForwardProj,
    };
}
