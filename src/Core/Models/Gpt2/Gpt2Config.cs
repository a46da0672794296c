using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Gpt2;

/// <summary>
/// Hugging Face `GPT2Config` (config.json with model_type "gpt2"). Absent optional keys take HF's defaults.
/// Settings this implementation does not compute (other activations, unscaled or layer-scaled attention, cross
/// attention) are refused with a clear error rather than silently producing a different model.
/// </summary>
public sealed record Gpt2Config : PretrainedConfig
{
    /// <summary>`activation_function` values accepted; the first two are the same tanh approximation.</summary>
    public static readonly IReadOnlyList<string> SupportedActivations = ["gelu_new", "gelu_pytorch_tanh", "gelu"];

    private Gpt2Config(JsonObject json) : base(json)
    {
        NEmbd = ConfigJson.RequiredInt(json, "n_embd");
        NHead = ConfigJson.RequiredInt(json, "n_head");
        NLayer = ConfigJson.RequiredInt(json, "n_layer");
        VocabSize = ConfigJson.RequiredInt(json, "vocab_size");
        NPositions = ConfigJson.OptionalInt(json, "n_positions") ?? 1024;
        NInner = ConfigJson.OptionalInt(json, "n_inner") ?? 4 * NEmbd; // HF: inner_dim = n_inner or 4 * hidden_size
        LayerNormEpsilon = ConfigJson.OptionalDouble(json, "layer_norm_epsilon") ?? 1e-5;
        ActivationFunction = ConfigJson.OptionalString(json, "activation_function") ?? "gelu_new";
        ResidPdrop = ConfigJson.OptionalDouble(json, "resid_pdrop") ?? 0.1;
        EmbdPdrop = ConfigJson.OptionalDouble(json, "embd_pdrop") ?? 0.1;
        AttnPdrop = ConfigJson.OptionalDouble(json, "attn_pdrop") ?? 0.1;
        TieWordEmbeddings = ConfigJson.OptionalBool(json, "tie_word_embeddings") ?? true;
        // HF GPT2Config defaults: bos = eos = 50256 (<|endoftext|>), no pad; a key present as null means "none".
        BosTokenId = json.ContainsKey("bos_token_id") ? ConfigJson.OptionalInt(json, "bos_token_id") : 50256;
        EosTokenId = json.ContainsKey("eos_token_id") ? ConfigJson.OptionalInt(json, "eos_token_id") : 50256;
        PadTokenId = ConfigJson.OptionalInt(json, "pad_token_id");
        Validate(json);
    }

    public static Gpt2Config FromJson(JsonObject json) => new(json);

    public override string ModelType => "gpt2";
    public int NEmbd { get; }
    public int NHead { get; }
    public int NLayer { get; }
    /// <summary>Learned positions: the longest sequence the model can read.</summary>
    public int NPositions { get; }
    /// <summary>MLP width (config `n_inner`, null meaning 4 · n_embd).</summary>
    public int NInner { get; }
    public int VocabSize { get; }
    public double LayerNormEpsilon { get; }
    /// <summary>One of <see cref="SupportedActivations"/>.</summary>
    public string ActivationFunction { get; }
    /// <summary>Dropout after attention and MLP projections (training only).</summary>
    public double ResidPdrop { get; }
    /// <summary>Dropout on token + position embeddings (training only).</summary>
    public double EmbdPdrop { get; }
    /// <summary>Dropout on attention probabilities (training only).</summary>
    public double AttnPdrop { get; }
    /// <summary>When true (HF's default), lm_head is transformer.wte.weight and is neither stored nor saved.</summary>
    public bool TieWordEmbeddings { get; }
    public int? BosTokenId { get; }
    public int? EosTokenId { get; }
    public int? PadTokenId { get; }
    public int HeadDim => NEmbd / NHead;
    public override int MaxPositionEmbeddings => NPositions;

    private void Validate(JsonObject json)
    {
        if (!SupportedActivations.Contains(ActivationFunction))
            throw new NotSupportedException($"config.json: activation_function '{ActivationFunction}' is not supported; GPT-2 here implements {string.Join(", ", SupportedActivations)}.");
        if (ConfigJson.OptionalBool(json, "scale_attn_weights") == false)
            throw new NotSupportedException("config.json: scale_attn_weights false is not supported; attention scores are always scaled by 1/sqrt(head_dim).");
        if (ConfigJson.OptionalBool(json, "scale_attn_by_inverse_layer_idx") == true)
            throw new NotSupportedException("config.json: scale_attn_by_inverse_layer_idx true is not supported.");
        if (ConfigJson.OptionalBool(json, "add_cross_attention") == true)
            throw new NotSupportedException("config.json: add_cross_attention true is not supported; GPT-2 here is decoder-only.");
        if (NEmbd <= 0 || NHead <= 0 || NEmbd % NHead != 0)
            throw new InvalidDataException($"config.json: n_embd ({NEmbd}) must be a positive multiple of n_head ({NHead}).");
    }
}
