using System.Text.Json.Nodes;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// A Llama-like decoder-only model (Qwen2, Qwen3, Mistral, Phi-3, Gemma 2, Gemma 3 text) as one set of settings:
/// the shared shape plus each family's quirks as explicit switches. A family's <c>IModelFamily.ParseConfig</c>
/// reads its config.json with that family's HF defaults (<see cref="DecoderConfigReader"/>) and sets the quirks;
/// the modules read nothing else, so a quirk exists in exactly one place.
/// </summary>
public sealed record DecoderConfig : PretrainedConfig
{
    public DecoderConfig(JsonObject json, string modelType) : base(json) => ModelType = modelType;

    public override string ModelType { get; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    /// <summary>GQA: query head h uses key/value head h / (NumAttentionHeads / NumKeyValueHeads).</summary>
    public required int NumKeyValueHeads { get; init; }
    /// <summary>Per-head size; may differ from hidden / heads (Qwen3, Gemma).</summary>
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public override int MaxPositionEmbeddings => MaxPositions;
    /// <summary>config.json max_position_embeddings (an override cannot add the init accessor this record needs).</summary>
    public required int MaxPositions { get; init; }
    public required double RmsNormEps { get; init; }
    /// <summary>When true, lm_head is embed_tokens.weight (stored once, as model.embed_tokens.weight).</summary>
    public required bool TieWordEmbeddings { get; init; }
    public int? BosTokenId { get; init; }
    /// <summary>Every id that ends generation (config.json may list several).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }

    /// <summary>"silu" (SwiGLU) or "gelu_pytorch_tanh" (Gemma's GeGLU).</summary>
    public required string HiddenActivation { get; init; }
    /// <summary>RoPE of full-attention layers (all layers unless <see cref="LocalRope"/> is set).</summary>
    public required RopeSettings GlobalRope { get; init; }
    /// <summary>Gemma 3: sliding layers use their own RoPE base (rope_local_base_freq) without scaling. Null = global.</summary>
    public RopeSettings? LocalRope { get; init; }
    /// <summary>Dimensions of each head that RoPE rotates (the first ones); the rest pass unchanged (Phi-3 partial_rotary_factor).</summary>
    public required int RotaryDim { get; init; }

    /// <summary>Biases on q/k/v_proj (Qwen2 hard-codes them; others follow attention_bias).</summary>
    public bool QkvBias { get; init; }
    /// <summary>A bias on o_proj (attention_bias in Llama-like configs; never in Qwen2).</summary>
    public bool OutputBias { get; init; }
    /// <summary>Phi-3: one qkv_proj (rows q | k | v) and one gate_up_proj (rows gate | up) instead of separate projections.</summary>
    public bool FusedProjections { get; init; }
    /// <summary>Qwen3, Gemma 3: an RMSNorm over head_dim on every query and key head, before RoPE.</summary>
    public bool QkNorm { get; init; }
    public RmsNormStyle NormStyle { get; init; } = RmsNormStyle.Llama;
    /// <summary>Gemma: four norms per layer; post_attention_layernorm normalises the attention output and
    /// pre/post_feedforward_layernorm wrap the MLP. Otherwise Llama's two (post_attention_layernorm is the pre-MLP norm).</summary>
    public bool SandwichNorms { get; init; }
    /// <summary>Gemma: embeddings are multiplied by sqrt(hidden_size), rounded to the model dtype.</summary>
    public bool ScaleEmbeddings { get; init; }
    /// <summary>The factor on q·kᵀ: head_dim^-0.5, or query_pre_attn_scalar^-0.5 for Gemma.</summary>
    public required double AttentionScale { get; init; }
    /// <summary>Gemma 2: scores = cap · tanh(scores / cap) before the mask. Null = none.</summary>
    public double? AttentionLogitSoftcapping { get; init; }
    /// <summary>Gemma 2: logits = cap · tanh(logits / cap). Null = none.</summary>
    public double? FinalLogitSoftcapping { get; init; }
    /// <summary>Keys a sliding layer sees, itself included (q - W &lt; k ≤ q). Null = no layer slides.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>Per layer: whether it uses <see cref="SlidingWindow"/> (HF layer_types "sliding_attention").</summary>
    public required IReadOnlyList<bool> SlidingLayers { get; init; }

    /// <summary>Throws for settings the modules cannot compute.</summary>
    public DecoderConfig Validated()
    {
        if (NumAttentionHeads <= 0 || NumKeyValueHeads <= 0 || NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException($"config.json: num_attention_heads ({NumAttentionHeads}) must be a positive multiple of num_key_value_heads ({NumKeyValueHeads}).");
        if (HeadDim <= 0 || RotaryDim <= 0 || RotaryDim % 2 != 0 || RotaryDim > HeadDim)
            throw new InvalidDataException($"config.json: the rotary dimensions ({RotaryDim}) must be even and within head_dim ({HeadDim}).");
        if (HiddenActivation is not ("silu" or "gelu_pytorch_tanh"))
            throw new NotSupportedException($"config.json: activation '{HiddenActivation}' is not supported for {ModelType}; 'silu' and 'gelu_pytorch_tanh' are.");
        if (SlidingLayers.Count != NumHiddenLayers)
            throw new InvalidDataException($"config.json: layer_types lists {SlidingLayers.Count} layers; num_hidden_layers is {NumHiddenLayers}.");
        if (SlidingLayers.Any(sliding => sliding) && SlidingWindow is not > 0)
            throw new InvalidDataException($"config.json: sliding layers need a positive sliding_window, got {SlidingWindow?.ToString() ?? "null"}.");
        return this;
    }
}
