using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Reads the config.json keys every Llama-like family shares, with that family's defaults, into a
/// <see cref="DecoderConfig"/> with no quirks switched on (full attention everywhere, full RoPE, head_dim^-0.5).
/// Families then set their quirks with `with { ... }`.
/// </summary>
internal static class DecoderConfigReader
{
    public const string SlidingAttention = "sliding_attention";
    public const string FullAttention = "full_attention";

    public static DecoderConfig Read(JsonObject json, string modelType, DecoderDefaults defaults)
    {
        var hidden = ConfigJson.RequiredInt(json, "hidden_size");
        var heads = ConfigJson.RequiredInt(json, "num_attention_heads");
        var layers = ConfigJson.RequiredInt(json, "num_hidden_layers");
        var headDim = ConfigJson.OptionalInt(json, "head_dim") ?? defaults.HeadDim ?? hidden / heads;
        RefuseDropout(json, "attention_dropout");
        return new DecoderConfig(json, modelType)
        {
            HiddenSize = hidden,
            IntermediateSize = ConfigJson.RequiredInt(json, "intermediate_size"),
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = ConfigJson.OptionalInt(json, "num_key_value_heads") ?? heads,
            HeadDim = headDim,
            VocabSize = ConfigJson.RequiredInt(json, "vocab_size"),
            MaxPositions = ConfigJson.OptionalInt(json, "max_position_embeddings") ?? defaults.MaxPositionEmbeddings,
            RmsNormEps = ConfigJson.OptionalDouble(json, "rms_norm_eps") ?? defaults.RmsNormEps,
            TieWordEmbeddings = ConfigJson.OptionalBool(json, "tie_word_embeddings") ?? defaults.TieWordEmbeddings,
            // A key present as null means "none"; an absent key takes the config class's default.
            BosTokenId = json.ContainsKey("bos_token_id") ? ConfigJson.OptionalInt(json, "bos_token_id") : defaults.BosTokenId,
            EosTokenIds = json.ContainsKey("eos_token_id") ? ConfigJson.IntOrIntList(json, "eos_token_id")
                : defaults.EosTokenId is { } eos ? [eos] : [],
            PadTokenId = json.ContainsKey("pad_token_id") ? ConfigJson.OptionalInt(json, "pad_token_id") : defaults.PadTokenId,
            HiddenActivation = ConfigJson.OptionalString(json, defaults.ActivationKey) ?? defaults.Activation,
            GlobalRope = ReadRope(json, defaults.RopeTheta),
            RotaryDim = headDim,
            AttentionScale = 1.0 / Math.Sqrt(headDim),
            SlidingLayers = new bool[layers],
        };
    }

    /// <summary>
    /// `sliding_window` as the config class stores it: absent gives the class default, null gives none.
    /// </summary>
    public static int? SlidingWindow(JsonObject json, int? classDefault) =>
        json.ContainsKey("sliding_window") ? ConfigJson.OptionalInt(json, "sliding_window") : classDefault;

    /// <summary>
    /// Which layers slide: config.json's explicit `layer_types` when present (newer configs write it), else the
    /// family's rule, which is how the config class builds layer_types when it is absent.
    /// </summary>
    public static bool[] SlidingLayers(JsonObject json, int layers, Func<int, bool> familyRule)
    {
        if (json["layer_types"] is not JsonArray types)
            return Enumerable.Range(0, layers).Select(familyRule).ToArray();
        return types.Select((node, i) => node?.GetValue<string>() switch
        {
            SlidingAttention => true,
            FullAttention => false,
            var other => throw new NotSupportedException($"config.json: layer_types[{i}] '{other}' is not supported; '{SlidingAttention}' and '{FullAttention}' are."),
        }).ToArray();
    }

    /// <summary>Dropout is identity in eval, but a non-zero value would make training differ from HF's; refuse it.</summary>
    public static void RefuseDropout(JsonObject json, string key)
    {
        if (ConfigJson.OptionalDouble(json, key) is { } p and not 0.0)
            throw new NotSupportedException($"config.json: {key} {p} is not supported; only 0.0 is implemented.");
    }

    /// <summary>
    /// rope_theta and rope_scaling (null, "default" or "linear"), or transformers v5's flat `rope_parameters`.
    /// Other rope types (llama3, yarn, longrope, dynamic) are refused rather than computed differently.
    /// </summary>
    private static RopeSettings ReadRope(JsonObject json, double defaultTheta)
    {
        if (json["rope_parameters"] is JsonObject parameters)
            return new RopeSettings(ConfigJson.OptionalDouble(parameters, "rope_theta") ?? defaultTheta, ScalingFactor(parameters, "rope_parameters"));
        var theta = ConfigJson.OptionalDouble(json, "rope_theta") ?? defaultTheta;
        return json["rope_scaling"] is JsonObject scaling
            ? new RopeSettings(theta, ScalingFactor(scaling, "rope_scaling"))
            : new RopeSettings(theta);
    }

    private static double ScalingFactor(JsonObject scaling, string key)
    {
        // Older configs spell rope_type as "type"; modeling_rope_utils accepts both.
        var ropeType = ConfigJson.OptionalString(scaling, "rope_type") ?? ConfigJson.OptionalString(scaling, "type") ?? "default";
        return ropeType switch
        {
            "default" => 1.0,
            "linear" => ConfigJson.OptionalDouble(scaling, "factor")
                ?? throw new InvalidDataException($"config.json: {key} of rope_type 'linear' needs a factor."),
            _ => throw new NotSupportedException($"config.json: {key} rope_type '{ropeType}' is not supported; only the default and linear RoPE are implemented."),
        };
    }
}
