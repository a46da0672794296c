using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Llama;

/// <summary>attention_bias / mlp_bias: no golden exists, so these check the biases against algebra instead.</summary>
public sealed class LlamaBiasTests : IDisposable
{
    private const int KvWidth = 32; // llama-tiny: 2 kv heads × head_dim 16; 4 query heads, so 2 per kv head
    private readonly TempFolder scratch = new();
    private readonly JsonObject golden = Golden.Read(Path.Combine(TestPaths.LlamaTiny, "golden.json"));

    [Fact]
    public void Bias_keys_follow_hugging_face_names()
    {
        var json = ModelFolders.ReadConfig(TestPaths.LlamaTiny);
        json["attention_bias"] = true;
        json["mlp_bias"] = true;
        var folder = ModelFolders.Write(scratch.Combine("keys"), json, ModelFolders.ReadTensors(TestPaths.LlamaTiny));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        foreach (var name in new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj" })
            Assert.Contains($"model.layers.1.{name}.bias", error.Message);
    }

    [Fact]
    public void Zero_attention_biases_reproduce_the_golden_logits()
    {
        using var model = PretrainedModelLoader.Load(WithAttentionBiases("zero", vBias: zeros(KvWidth), oBias: zeros(64)), CPU);

        Golden.AssertLogitsClose(RowZeroGolden(), RowZeroLogits(model), "row 0 logits");
    }

    [Fact]
    public void A_value_bias_acts_as_the_output_bias_it_implies()
    {
        // Attention weights sum to 1, so v_proj.bias b adds the same vector to every head output: query head h gets
        // b's slice for kv head h / 2. After o_proj that is o_proj.weight · repeat_interleave(b) at every position.
        var generator = new Generator(7);
        var vBias = randn(KvWidth, generator: generator);
        var oProj = ModelFolders.ReadTensors(TestPaths.LlamaTiny)["model.layers.0.self_attn.o_proj.weight"];
        var implied = oProj.matmul(vBias.view(2, 16).repeat_interleave(2, dim: 0).reshape(64));

        using var viaValue = PretrainedModelLoader.Load(WithAttentionBiases("v", vBias, zeros(64)), CPU);
        using var viaOutput = PretrainedModelLoader.Load(WithAttentionBiases("o", zeros(KvWidth), implied), CPU);

        var expected = RowZeroLogits(viaOutput);
        Golden.AssertLogitsClose(expected, RowZeroLogits(viaValue), "v bias vs implied o bias");
        Assert.Contains(expected.Zip(RowZeroGolden()), pair => Math.Abs(pair.First - pair.Second) > 0.1); // the bias matters
    }

    /// <summary>llama-tiny with attention_bias on; layer 0 gets the given v/o biases, every other bias is zero.</summary>
    private string WithAttentionBiases(string name, Tensor vBias, Tensor oBias) =>
        ModelFolders.LlamaTinyVariant(scratch, name, (config, tensors) =>
        {
            config["attention_bias"] = true;
            foreach (var layer in new[] { 0, 1 })
            {
                var prefix = $"model.layers.{layer}.self_attn";
                tensors[$"{prefix}.q_proj.bias"] = zeros(64);
                tensors[$"{prefix}.k_proj.bias"] = zeros(KvWidth);
                tensors[$"{prefix}.v_proj.bias"] = layer == 0 ? vBias : zeros(KvWidth);
                tensors[$"{prefix}.o_proj.bias"] = layer == 0 ? oBias : zeros(64);
            }
        });

    private float[] RowZeroGolden() => Golden.Floats(golden["logits"]!["data"]![0]);

    private float[] RowZeroLogits(LoadedModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Golden.IdTensor(golden["greedy"]!["input_ids"]); // row 0 of the batch, unpadded
        return model.AsCausalLanguageModel().forward(ids).data<float>().ToArray();
    }

    public void Dispose() => scratch.Dispose();
}
