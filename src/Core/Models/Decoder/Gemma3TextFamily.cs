using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Gemma 3 text (model_type "gemma3_text", Gemma3ForCausalLM): Gemma 2's layer without soft-capping, plus (1 + w)
/// q/k norms, a sliding-window pattern (every Nth layer global) and a separate RoPE base for sliding layers.
/// </summary>
public sealed class Gemma3TextFamily : DecoderFamily
{
    public override string ModelType => "gemma3_text";

    public override IReadOnlyList<string> Architectures { get; } = ["Gemma3ForCausalLM"];

    protected override DecoderConfig Parse(JsonObject json)
    {
        var config = DecoderConfigReader.Read(json, ModelType, Gemma2Family.GemmaDefaults(ropeTheta: 1_000_000.0, maxPositions: 131072));
        // modeling_gemma3.py 327-337 calls the attention without softcap=; a config asking for it would be ignored by HF.
        if (!ConfigJson.IsAbsentOrNull(json, "attn_logit_softcapping"))
            throw new NotSupportedException($"config.json: Gemma 3 attn_logit_softcapping {json["attn_logit_softcapping"]!.ToJsonString()} is not supported; HF's Gemma 3 does not apply it (use null).");
        var bias = ConfigJson.OptionalBool(json, "attention_bias") ?? false;
        var pattern = ConfigJson.OptionalInt(json, "sliding_window_pattern") ?? 6;
        return config with
        {
            QkvBias = bias,
            OutputBias = bias,
            // modeling_gemma3.py 312-313: Gemma (1 + w) norms over head_dim on q and k, before RoPE.
            QkNorm = true,
            NormStyle = RmsNormStyle.Gemma,
            SandwichNorms = true,
            ScaleEmbeddings = true,
            AttentionScale = Gemma2Family.QueryPreAttnScale(json),
            FinalLogitSoftcapping = ConfigJson.OptionalDouble(json, "final_logit_softcapping"),
            // Gemma3TextModel: sliding layers use rotary_emb_local (rope_local_base_freq, rope_type "default");
            // global layers keep rope_theta with rope_scaling.
            LocalRope = new RopeSettings(ConfigJson.OptionalDouble(json, "rope_local_base_freq") ?? 10000.0),
            SlidingWindow = DecoderConfigReader.SlidingWindow(json, 4096),
            // configuration_gemma3.py: layer i slides iff (i + 1) % sliding_window_pattern != 0.
            SlidingLayers = DecoderConfigReader.SlidingLayers(json, config.NumHiddenLayers, i => (i + 1) % pattern != 0),
        };
    }
}
