using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.HuggingFace;

public sealed class CheckpointKeyTests : IDisposable
{
    private readonly TempFolder scratch = new();

    [Fact]
    public void A_missing_tensor_is_an_error_that_names_it()
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, "missing", (_, tensors) => tensors.Remove("model.layers.1.mlp.up_proj.weight"));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("missing 1 tensor(s): model.layers.1.mlp.up_proj.weight", error.Message);
    }

    [Fact]
    public void An_unexpected_tensor_is_an_error_that_names_it()
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, "unexpected", (_, tensors) =>
            tensors["model.layers.0.self_attn.q_norm.weight"] = ones(16));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("unexpected 1 tensor(s): model.layers.0.self_attn.q_norm.weight", error.Message);
    }

    [Fact]
    public void An_untied_model_without_lm_head_is_missing_it()
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, "no-head", (_, tensors) => tensors.Remove("lm_head.weight"));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("lm_head.weight", error.Message);
    }

    [Fact]
    public void A_wrong_shape_is_an_error_that_names_the_tensor()
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, "shape", (_, tensors) =>
            tensors["model.layers.0.self_attn.k_proj.weight"] = zeros(64, 64));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("'model.layers.0.self_attn.k_proj.weight' has shape [64, 64], the model needs [32, 64]", error.Message);
    }

    [Fact]
    public void Rotary_inv_freq_buffers_are_ignored()
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, "inv-freq", (_, tensors) =>
        {
            tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(8);
            tensors["model.layers.1.self_attn.rotary_emb.inv_freq"] = ones(8);
        });

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        Assert.DoesNotContain(loaded.Model.state_dict().Keys, k => k.Contains("inv_freq", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tied_duplicate_lm_head_is_ignored_and_embed_tokens_is_used()
    {
        var scratchFolder = scratch.Combine("tied-duplicate");
        var tensors = ModelFolders.ReadTensors(TestPaths.BabyLlama);
        tensors["lm_head.weight"] = zeros_like(tensors["model.embed_tokens.weight"]);
        ModelFolders.Write(scratchFolder, ModelFolders.ReadConfig(TestPaths.BabyLlama), tensors);

        using var duplicate = PretrainedModelLoader.Load(scratchFolder, CPU);
        using var original = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        using var ids = tensor(new long[] { 1, 3, 34, 9, 22 }).unsqueeze(0);
        using var noGrad = no_grad();
        Assert.True(Golden.Identical(duplicate.AsCausalLanguageModel().forward(ids), original.AsCausalLanguageModel().forward(ids)));
    }

    public void Dispose() => scratch.Dispose();
}
