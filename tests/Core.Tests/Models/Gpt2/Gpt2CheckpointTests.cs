using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Gpt2;

/// <summary>The checkpoint spellings HF accepts for GPT-2, and saving back under HF's names.</summary>
public sealed class Gpt2CheckpointTests : IDisposable
{
    private readonly TempFolder scratch = new();

    [Fact]
    public void Keys_without_the_transformer_prefix_load_to_the_golden_logits()
    {
        // As openai-community/gpt2 stores them: saved from GPT2Model, so `h.0.attn.c_attn.weight`, `wte.weight`, ...
        var folder = Gpt2Fixtures.Variant(scratch, "unprefixed", (_, tensors) =>
        {
            foreach (var key in tensors.Keys.ToList())
            {
                tensors[key["transformer.".Length..]] = tensors[key];
                tensors.Remove(key);
            }
        });
        Assert.Contains("h.0.attn.c_attn.weight", ModelFolders.ReadTensors(folder).Keys);

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        Golden.AssertLogitsClose(Gpt2Fixtures.RowZeroGolden(), Gpt2Fixtures.RowZeroLogits(loaded), "un-prefixed checkpoint");
    }

    [Fact]
    public void Attention_mask_buffers_and_a_tied_lm_head_are_ignored()
    {
        var folder = Gpt2Fixtures.Variant(scratch, "buffers", (_, tensors) =>
        {
            foreach (var layer in new[] { 0, 1 })
            {
                tensors[$"transformer.h.{layer}.attn.bias"] = ones(128, 128).tril().view(1, 1, 128, 128);
                tensors[$"transformer.h.{layer}.attn.masked_bias"] = tensor(-1e4f);
            }
            tensors["lm_head.weight"] = zeros(256, 64); // would change every logit if it were used
        });

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        Golden.AssertLogitsClose(Gpt2Fixtures.RowZeroGolden(), Gpt2Fixtures.RowZeroLogits(loaded), "with ignored extras");
        Assert.DoesNotContain(loaded.Model.state_dict().Keys, k => k.EndsWith(".attn.bias", StringComparison.Ordinal) || k.StartsWith("lm_head", StringComparison.Ordinal));
    }

    [Fact]
    public void Un_prefixed_attention_buffers_are_ignored_too()
    {
        var folder = Gpt2Fixtures.Variant(scratch, "unprefixed-buffers", (_, tensors) => tensors["h.0.attn.bias"] = ones(1, 1, 128, 128));

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        Assert.Equal(124_672, loaded.ParameterCount);
    }

    [Fact]
    public void An_unknown_key_is_an_error_that_names_it()
    {
        var folder = Gpt2Fixtures.Variant(scratch, "unknown", (_, tensors) => tensors["transformer.h.0.attn.q_proj.weight"] = zeros(64, 64));

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("unexpected 1 tensor(s): transformer.h.0.attn.q_proj.weight", error.Message);
    }

    [Fact]
    public void The_same_tensor_under_both_spellings_is_an_error()
    {
        var folder = Gpt2Fixtures.Variant(scratch, "both", (_, tensors) => tensors["wpe.weight"] = tensors["transformer.wpe.weight"]);

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("'transformer.wpe.weight' twice", error.Message);
    }

    [Fact]
    public void An_untied_model_reads_its_own_lm_head()
    {
        var folder = Gpt2Fixtures.Variant(scratch, "untied", (config, tensors) =>
        {
            config["tie_word_embeddings"] = false;
            tensors["lm_head.weight"] = tensors["transformer.wte.weight"].clone();
        });

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        Golden.AssertLogitsClose(Gpt2Fixtures.RowZeroGolden(), Gpt2Fixtures.RowZeroLogits(loaded), "untied copy of wte");
        Assert.Contains("lm_head.weight", loaded.Model.state_dict().Keys);
        Assert.Equal(124_672 + 256 * 64, loaded.ParameterCount);
    }

    [Fact]
    public void Save_writes_hugging_face_names_and_loads_back_identically()
    {
        using var original = PretrainedModelLoader.Load(Gpt2Fixtures.Tiny, CPU);
        var saved = scratch.Combine("saved");
        PretrainedModelWriter.Save(original.Model, original.Config, saved);
        using var reloaded = PretrainedModelLoader.Load(saved, CPU);

        // Same tensors under the same names as the fixture (prefixed, no lm_head, no attn buffers), same bytes.
        var expected = ModelFolders.ReadTensors(Gpt2Fixtures.Tiny);
        var written = ModelFolders.ReadTensors(saved);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, entry => Assert.True(Golden.Identical(entry.Value, written[entry.Key]), entry.Key));
        Assert.True(JsonNode.DeepEquals(ModelFolders.ReadConfig(Gpt2Fixtures.Tiny), ModelFolders.ReadConfig(saved)));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Golden.IdTensor(Gpt2Fixtures.Golden()["long_sequence"]!["inputs"]!["input_ids"]);
        Assert.True(Golden.Identical(original.AsCausalLanguageModel().forward(ids), reloaded.AsCausalLanguageModel().forward(ids)));
    }

    public void Dispose() => scratch.Dispose();
}
