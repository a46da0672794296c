using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// A Llama-like family built as a <see cref="DecoderForCausalLM"/>. Adding one means a subclass that names its
/// model_type and architectures and parses its config.json into a <see cref="DecoderConfig"/> (the family's
/// defaults and quirk switches), plus a line in <see cref="ModelFamilies"/> and its LoRA default targets.
/// </summary>
public abstract class DecoderFamily : IModelFamily
{
    public abstract string ModelType { get; }

    public abstract IReadOnlyList<string> Architectures { get; }

    public PretrainedConfig ParseConfig(JsonObject json) => Parse(json).Validated();

    /// <summary>The family's config.json read with its HF config class's defaults and its quirks set.</summary>
    protected abstract DecoderConfig Parse(JsonObject json);

    public torch.nn.Module CreateModel(PretrainedConfig config) => new DecoderForCausalLM((DecoderConfig)config);

    public bool IsIgnorableCheckpointKey(string key, PretrainedConfig config) =>
        // Old conversions stored the RoPE frequencies as a buffer; HF recomputes them.
        key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
        // Some exports write the tied output matrix a second time; the model reuses embed_tokens instead.
        || (key == "lm_head.weight" && ((DecoderConfig)config).TieWordEmbeddings);
}
