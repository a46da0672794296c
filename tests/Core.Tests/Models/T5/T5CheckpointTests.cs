using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.T5;

/// <summary>Loading tolerates the keys HF ignores; saving writes what save_pretrained writes.</summary>
public sealed class T5CheckpointTests : IDisposable
{
    private readonly TempFolder scratch = new();

    public static TheoryData<string> Models => new() { T5Fixtures.V10Tiny, T5Fixtures.FlanTiny };

    [Theory]
    [MemberData(nameof(Models))]
    public void Save_then_load_reproduces_logits_exactly(string name)
    {
        using var original = T5Fixtures.Load(name);
        var saved = scratch.Combine("saved");
        PretrainedModelWriter.Save(original.Model, original.Config, saved);
        using var reloaded = PretrainedModelLoader.Load(saved, CPU);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, _, decoderInputIds) = T5Fixtures.Batch(T5Fixtures.Golden(name)["inputs"]!);
        Assert.True(Golden.Identical(original.Model().forward(inputIds, mask, decoderInputIds),
            reloaded.Model().forward(inputIds, mask, decoderInputIds)));
        Assert.Equal(original.ParameterCount, reloaded.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Saved_weights_are_the_fixture_tensors_under_the_same_names(string name)
    {
        using var original = T5Fixtures.Load(name);
        var saved = scratch.Combine("saved");
        PretrainedModelWriter.Save(original.Model, original.Config, saved);

        // Tied T5 v1.0 holds shared.weight once: no encoder/decoder.embed_tokens.weight, no lm_head.weight.
        var (expectedHeader, expectedData) = Split(File.ReadAllBytes(Path.Combine(T5Fixtures.Folder(name), "model.safetensors")));
        var (actualHeader, actualData) = Split(File.ReadAllBytes(Path.Combine(saved, "model.safetensors")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedHeader), JsonNode.Parse(actualHeader)));
        Assert.Equal(expectedData, actualData);
        Assert.Equal(name == T5Fixtures.FlanTiny, actualHeader.Contains("\"lm_head.weight\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Tied_duplicates_and_the_unused_cross_attention_bias_are_ignored_on_load()
    {
        var folder = Variant(T5Fixtures.V10Tiny, tensors =>
        {
            tensors["encoder.embed_tokens.weight"] = tensors["shared.weight"].clone();
            tensors["decoder.embed_tokens.weight"] = tensors["shared.weight"].clone();
            tensors["lm_head.weight"] = tensors["shared.weight"].clone();
            tensors["decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight"] = randn(32, 4);
        });

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        using var fixture = T5Fixtures.Load(T5Fixtures.V10Tiny);
        Assert.Equal(fixture.ParameterCount, loaded.ParameterCount);
    }

    [Fact]
    public void An_untied_model_needs_its_lm_head()
    {
        var folder = Variant(T5Fixtures.FlanTiny, tensors => tensors.Remove("lm_head.weight"));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("missing 1 tensor(s): lm_head.weight", error.Message);
    }

    [Fact]
    public void A_relative_bias_on_a_later_block_is_unexpected()
    {
        var folder = Variant(T5Fixtures.V10Tiny,
            tensors => tensors["encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight"] = randn(32, 4));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("unexpected 1 tensor(s): encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight", error.Message);
    }

    private string Variant(string name, Action<Dictionary<string, Tensor>> edit)
    {
        var folder = T5Fixtures.Folder(name);
        var tensors = ModelFolders.ReadTensors(folder);
        edit(tensors);
        return ModelFolders.Write(scratch.Combine("variant"), ModelFolders.ReadConfig(folder), tensors);
    }

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    public void Dispose() => scratch.Dispose();
}
