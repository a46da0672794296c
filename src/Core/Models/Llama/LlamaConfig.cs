using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Llama;

/// <summary>
/// Hugging Face `LlamaConfig` (config.json with model_type "llama"). Absent optional keys take HF's defaults.
/// Only what this implementation computes is accepted: `hidden_act` silu and no `rope_scaling`; anything else is
/// refused with a clear error rather than silently producing a different model.
/// </summary>
public sealed record LlamaConfig : PretrainedConfig
{
    private LlamaConfig(JsonObject json) : base(json)
    {
        HiddenSize = ConfigJson.RequiredInt(json, "hidden_size");
        IntermediateSize = ConfigJson.RequiredInt(json, "intermediate_size");
        NumHiddenLayers = ConfigJson.RequiredInt(json, "num_hidden_layers");
        NumAttentionHeads = ConfigJson.RequiredInt(json, "num_attention_heads");
        NumKeyValueHeads = ConfigJson.OptionalInt(json, "num_key_value_heads") ?? NumAttentionHeads;
        HeadDim = ConfigJson.OptionalInt(json, "head_dim") ?? HiddenSize / NumAttentionHeads;
        VocabSize = ConfigJson.RequiredInt(json, "vocab_size");
        MaxPositionEmbeddings = ConfigJson.OptionalInt(json, "max_position_embeddings") ?? 2048;
        RmsNormEps = ConfigJson.OptionalDouble(json, "rms_norm_eps") ?? 1e-6;
        RopeTheta = ReadRopeTheta(json);
        TieWordEmbeddings = ConfigJson.OptionalBool(json, "tie_word_embeddings") ?? false;
        AttentionBias = ConfigJson.OptionalBool(json, "attention_bias") ?? false;
        MlpBias = ConfigJson.OptionalBool(json, "mlp_bias") ?? false;
        // HF LlamaConfig defaults: bos 1, eos 2, no pad; a key present as null means "none".
        BosTokenId = json.ContainsKey("bos_token_id") ? ConfigJson.OptionalInt(json, "bos_token_id") : 1;
        EosTokenIds = json.ContainsKey("eos_token_id") ? ConfigJson.IntOrIntList(json, "eos_token_id") : [2];
        PadTokenId = ConfigJson.OptionalInt(json, "pad_token_id");
        Validate(json);
    }

    public static LlamaConfig FromJson(JsonObject json) => new(json);

    public override string ModelType => "llama";
    public int HiddenSize { get; }
    public int IntermediateSize { get; }
    public int NumHiddenLayers { get; }
    public int NumAttentionHeads { get; }
    /// <summary>GQA: query head h uses key/value head h / (NumAttentionHeads / NumKeyValueHeads).</summary>
    public int NumKeyValueHeads { get; }
    public int HeadDim { get; }
    public int VocabSize { get; }
    public override int MaxPositionEmbeddings { get; }
    public double RmsNormEps { get; }
    public double RopeTheta { get; }
    /// <summary>When true, lm_head is embed_tokens.weight (stored once, as model.embed_tokens.weight).</summary>
    public bool TieWordEmbeddings { get; }
    /// <summary>Biases on q/k/v/o_proj (HF puts one on o_proj as well).</summary>
    public bool AttentionBias { get; }
    /// <summary>Biases on gate/up/down_proj.</summary>
    public bool MlpBias { get; }
    public int? BosTokenId { get; }
    /// <summary>Every id that ends generation (config.json may list several).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }
    public int? EosTokenId => EosTokenIds.Count > 0 ? EosTokenIds[0] : null;
    public int? PadTokenId { get; }

    private static double ReadRopeTheta(JsonObject json)
    {
        // transformers v5 moves rope settings into `rope_parameters`; both spellings mean the same default RoPE.
        if (json["rope_parameters"] is JsonObject parameters)
        {
            var ropeType = ConfigJson.OptionalString(parameters, "rope_type") ?? "default";
            if (ropeType != "default")
                throw new NotSupportedException($"config.json: rope_parameters.rope_type '{ropeType}' is not supported; only the default RoPE is implemented.");
            return ConfigJson.OptionalDouble(parameters, "rope_theta") ?? 10000.0;
        }
        return ConfigJson.OptionalDouble(json, "rope_theta") ?? 10000.0;
    }

    private void Validate(JsonObject json)
    {
        var act = ConfigJson.OptionalString(json, "hidden_act") ?? "silu";
        if (act != "silu")
            throw new NotSupportedException($"config.json: hidden_act '{act}' is not supported; Llama here implements SwiGLU with 'silu' only.");
        if (!ConfigJson.IsAbsentOrNull(json, "rope_scaling"))
            throw new NotSupportedException($"config.json: rope_scaling {json["rope_scaling"]!.ToJsonString()} is not supported; only unscaled RoPE (rope_scaling null) is implemented.");
        if (NumAttentionHeads <= 0 || NumKeyValueHeads <= 0 || NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException($"config.json: num_attention_heads ({NumAttentionHeads}) must be a positive multiple of num_key_value_heads ({NumKeyValueHeads}).");
        if (HeadDim <= 0 || HeadDim % 2 != 0)
            throw new InvalidDataException($"config.json: head_dim ({HeadDim}) must be positive and even for RoPE.");
    }
}
