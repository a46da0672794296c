using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.T5;

/// <summary>
/// Hugging Face `T5Config` (config.json with model_type "t5"): T5 v1.0 (`feed_forward_proj` "relu", tied
/// embeddings) and v1.1 / FLAN-T5 ("gated-gelu", untied lm_head). Absent optional keys take HF's defaults.
/// </summary>
public sealed record T5Config : PretrainedConfig
{
    /// <summary>Feed-forward activations this implementation computes (HF ACT2FN names).</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["relu", "gelu", "gelu_new"];

    private T5Config(JsonObject json) : base(json)
    {
        VocabSize = ConfigJson.RequiredInt(json, "vocab_size");
        DModel = ConfigJson.RequiredInt(json, "d_model");
        DKv = ConfigJson.RequiredInt(json, "d_kv");
        DFf = ConfigJson.RequiredInt(json, "d_ff");
        NumLayers = ConfigJson.RequiredInt(json, "num_layers");
        NumDecoderLayers = ConfigJson.OptionalInt(json, "num_decoder_layers") ?? NumLayers;
        NumHeads = ConfigJson.RequiredInt(json, "num_heads");
        RelativeAttentionNumBuckets = ConfigJson.OptionalInt(json, "relative_attention_num_buckets") ?? 32;
        RelativeAttentionMaxDistance = ConfigJson.OptionalInt(json, "relative_attention_max_distance") ?? 128;
        DropoutRate = ConfigJson.OptionalDouble(json, "dropout_rate") ?? 0.1;
        LayerNormEpsilon = ConfigJson.OptionalDouble(json, "layer_norm_epsilon") ?? 1e-6;
        FeedForwardProj = ConfigJson.OptionalString(json, "feed_forward_proj") ?? "relu";
        (DenseActFn, IsGatedAct) = ParseFeedForwardProj(FeedForwardProj);
        // HF sets these from feed_forward_proj, then PretrainedConfig applies config.json's own keys over them.
        DenseActFn = ConfigJson.OptionalString(json, "dense_act_fn") ?? DenseActFn;
        IsGatedAct = ConfigJson.OptionalBool(json, "is_gated_act") ?? IsGatedAct;
        TieWordEmbeddings = ConfigJson.OptionalBool(json, "tie_word_embeddings") ?? true;
        PadTokenId = ConfigJson.OptionalInt(json, "pad_token_id") ?? 0;
        EosTokenId = ConfigJson.OptionalInt(json, "eos_token_id") ?? 1;
        // Every T5 checkpoint states 0 (= pad); HF's _shift_right would fail without it, the T5 docs say "pad".
        DecoderStartTokenId = ConfigJson.OptionalInt(json, "decoder_start_token_id") ?? PadTokenId;
        MaxPositionEmbeddings = ConfigJson.OptionalInt(json, "n_positions") ?? 512;
        Validate();
    }

    public static T5Config FromJson(JsonObject json) => new(json);

    public override string ModelType => "t5";
    public int VocabSize { get; }
    public int DModel { get; }
    /// <summary>Width of one attention head; heads × d_kv need not equal d_model.</summary>
    public int DKv { get; }
    public int DFf { get; }
    /// <summary>Encoder blocks.</summary>
    public int NumLayers { get; }
    public int NumDecoderLayers { get; }
    public int NumHeads { get; }
    public int RelativeAttentionNumBuckets { get; }
    public int RelativeAttentionMaxDistance { get; }
    /// <summary>Dropout on embeddings, attention weights, FF hidden and every residual branch (training only).</summary>
    public double DropoutRate { get; }
    public double LayerNormEpsilon { get; }
    /// <summary>"relu", "gated-gelu", "gated-silu", ...: an activation, optionally prefixed with "gated-".</summary>
    public string FeedForwardProj { get; }
    /// <summary>The feed-forward activation's HF name (gated-gelu means gelu_new, for backwards compatibility).</summary>
    public string DenseActFn { get; }
    /// <summary>True for v1.1 / FLAN: wo(act(wi_0 x) · wi_1 x); false for v1.0: wo(act(wi x)).</summary>
    public bool IsGatedAct { get; }
    /// <summary>When true, lm_head is shared.weight (saved once, as shared.weight) and the decoder output is scaled by d_model^-0.5.</summary>
    public bool TieWordEmbeddings { get; }
    public int PadTokenId { get; }
    public int EosTokenId { get; }
    public int DecoderStartTokenId { get; }
    /// <summary>config `n_positions`: the length T5 was trained at. Relative positions impose no hard limit.</summary>
    public override int MaxPositionEmbeddings { get; }

    /// <summary>configuration_t5.py: act_info = feed_forward_proj.split("-"), with "gated-gelu" meaning gelu_new.</summary>
    private static (string Activation, bool Gated) ParseFeedForwardProj(string feedForwardProj)
    {
        var parts = feedForwardProj.Split('-');
        if ((parts.Length > 1 && parts[0] != "gated") || parts.Length > 2)
            throw new InvalidDataException($"config.json: feed_forward_proj '{feedForwardProj}' is not a valid activation; use 'gated-{{ACT_FN}}' or '{{ACT_FN}}', e.g. 'gated-gelu' or 'relu'.");
        var activation = feedForwardProj == "gated-gelu" ? "gelu_new" : parts[^1];
        return (activation, parts[0] == "gated");
    }

    private void Validate()
    {
        if (!SupportedActivations.Contains(DenseActFn))
            throw new NotSupportedException($"config.json: dense_act_fn '{DenseActFn}' is not supported; T5 here implements {string.Join(", ", SupportedActivations)}.");
        if (NumHeads <= 0 || DKv <= 0 || DModel <= 0 || DFf <= 0)
            throw new InvalidDataException("config.json: d_model, d_kv, d_ff and num_heads must be positive.");
        // The decoder's exact range is num_buckets / 2; the log-spaced buckets need a max distance beyond it.
        if (RelativeAttentionNumBuckets < 4 || RelativeAttentionMaxDistance <= RelativeAttentionNumBuckets / 2)
            throw new InvalidDataException($"config.json: relative_attention_num_buckets ({RelativeAttentionNumBuckets}) must be at least 4 and relative_attention_max_distance ({RelativeAttentionMaxDistance}) above half of it.");
    }
}
