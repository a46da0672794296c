using System.Text.Json.Nodes;
using TuningService.Core.Models.Gpt2;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Gpt2;

public sealed class Gpt2ConfigTests : IDisposable
{
    private readonly TempFolder scratch = new();

    private static JsonObject Minimal() => new()
    {
        ["model_type"] = "gpt2",
        ["n_embd"] = 64,
        ["n_head"] = 4,
        ["n_layer"] = 2,
        ["vocab_size"] = 256,
    };

    [Fact]
    public void Absent_keys_take_hugging_face_defaults()
    {
        var config = Gpt2Config.FromJson(Minimal());

        Assert.Equal((256, 1024, 16), (config.NInner, config.NPositions, config.HeadDim));
        Assert.Equal(1e-5, config.LayerNormEpsilon);
        Assert.Equal("gelu_new", config.ActivationFunction);
        Assert.Equal((0.1, 0.1, 0.1), (config.ResidPdrop, config.EmbdPdrop, config.AttnPdrop));
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal((50256, 50256), (config.BosTokenId, config.EosTokenId));
        Assert.Null(config.PadTokenId);
    }

    [Fact]
    public void Fixture_config_values_are_read()
    {
        var config = Assert.IsType<Gpt2Config>(PretrainedModelLoader.LoadConfig(Gpt2Fixtures.Tiny));

        Assert.Equal((64, 4, 2, 256), (config.NEmbd, config.NHead, config.NLayer, config.NInner));
        Assert.Equal((256, 128), (config.VocabSize, config.MaxPositionEmbeddings));
        Assert.Equal((255, 255), (config.BosTokenId, config.EosTokenId));
    }

    [Fact]
    public void An_explicit_n_inner_is_used()
    {
        var json = Minimal();
        json["n_inner"] = 100;

        Assert.Equal(100, Gpt2Config.FromJson(json).NInner);
    }

    [Theory]
    [InlineData("activation_function", "relu", "activation_function 'relu'")]
    [InlineData("scale_attn_weights", false, "scale_attn_weights")]
    [InlineData("scale_attn_by_inverse_layer_idx", true, "scale_attn_by_inverse_layer_idx")]
    [InlineData("add_cross_attention", true, "add_cross_attention")]
    public void Settings_not_implemented_are_refused(string key, object value, string expected)
    {
        var json = Minimal();
        json[key] = JsonValue.Create(value);

        var error = Assert.Throws<NotSupportedException>(() => Gpt2Config.FromJson(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Heads_must_divide_the_width()
    {
        var json = Minimal();
        json["n_head"] = 5;

        Assert.Throws<InvalidDataException>(() => Gpt2Config.FromJson(json));
    }

    [Fact]
    public void Model_type_and_architecture_select_the_family()
    {
        Assert.IsType<Gpt2Family>(ModelFamilies.Resolve(ModelFolders.ReadConfig(Gpt2Fixtures.Tiny)));
        var json = Minimal();
        json.Remove("model_type");
        json["architectures"] = new JsonArray("GPT2LMHeadModel");
        Assert.IsType<Gpt2Family>(ModelFamilies.Resolve(json));
    }

    [Theory]
    [InlineData("gelu_pytorch_tanh", false)] // the same tanh approximation as gelu_new
    [InlineData("gelu", true)]               // erf GELU: fixtures README measures 2e-3 to 5e-3 from the golden
    public void The_configured_activation_is_the_one_computed(string activation, bool differsFromGolden)
    {
        var folder = Gpt2Fixtures.Variant(scratch, activation, (config, _) => config["activation_function"] = activation);
        using var loaded = PretrainedModelLoader.Load(folder, CPU);

        var expected = Gpt2Fixtures.RowZeroGolden();
        var actual = Gpt2Fixtures.RowZeroLogits(loaded);
        if (differsFromGolden)
            Assert.Contains(expected.Zip(actual), pair => Math.Abs(pair.First - pair.Second) > 1e-3);
        else
            Golden.AssertLogitsClose(expected, actual, activation);
    }

    public void Dispose() => scratch.Dispose();
}
