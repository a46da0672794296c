using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Gpt2;

/// <summary>Loads HF GPT-2 checkpoints (model_type "gpt2", GPT2LMHeadModel).</summary>
public sealed class Gpt2Family : IModelFamily
{
    private const string BasePrefix = "transformer.";
    private const string HeadPrefix = "lm_head.";

    public string ModelType => "gpt2";

    public IReadOnlyList<string> Architectures { get; } = ["GPT2LMHeadModel"];

    public PretrainedConfig ParseConfig(JsonObject json) => Gpt2Config.FromJson(json);

    public torch.nn.Module CreateModel(PretrainedConfig config) => new Gpt2LMHeadModel((Gpt2Config)config);

    /// <summary>
    /// openai-community/gpt2 and other checkpoints saved from the bare `GPT2Model` store `h.0.attn.c_attn.weight`,
    /// `wte.weight`, ...; HF adds the base-model prefix `transformer.` when loading them into GPT2LMHeadModel.
    /// </summary>
    public string CanonicalCheckpointKey(string key) =>
        key.StartsWith(BasePrefix, StringComparison.Ordinal) || key.StartsWith(HeadPrefix, StringComparison.Ordinal)
            ? key
            : BasePrefix + key;

    public bool IsIgnorableCheckpointKey(string key, PretrainedConfig config) =>
        // Older transformers saved the causal-mask buffers (attn.bias, attn.masked_bias); HF ignores them on load.
        key.EndsWith(".attn.bias", StringComparison.Ordinal)
        || key.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
        // Some exports write the tied output matrix a second time; the model reuses transformer.wte instead.
        || (key == "lm_head.weight" && ((Gpt2Config)config).TieWordEmbeddings);
}
