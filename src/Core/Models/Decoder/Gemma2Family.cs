using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Gemma 2 (model_type "gemma2", Gemma2ForCausalLM): (1 + w) RMSNorms, four norms per layer, √hidden-scaled
/// embeddings, GeGLU (tanh), query_pre_attn_scalar, attention and final-logit soft-capping, and a sliding window
/// on every other layer.
/// </summary>
public sealed class Gemma2Family : DecoderFamily
{
    public override string ModelType => "gemma2";

    public override IReadOnlyList<string> Architectures { get; } = ["Gemma2ForCausalLM"];

    protected override DecoderConfig Parse(JsonObject json)
    {
        var config = DecoderConfigReader.Read(json, ModelType, GemmaDefaults(ropeTheta: 10000.0, maxPositions: 8192));
        var bias = ConfigJson.OptionalBool(json, "attention_bias") ?? false;
        return config with
        {
            QkvBias = bias,
            OutputBias = bias,
            NormStyle = RmsNormStyle.Gemma,
            SandwichNorms = true,
            ScaleEmbeddings = true,
            // modeling_gemma2.py 262-293: scaling = query_pre_attn_scalar**-0.5, soft-capped before the mask.
            AttentionScale = QueryPreAttnScale(json),
            AttentionLogitSoftcapping = json.ContainsKey("attn_logit_softcapping") ? ConfigJson.OptionalDouble(json, "attn_logit_softcapping") : 50.0,
            // modeling_gemma2.py 542-545.
            FinalLogitSoftcapping = json.ContainsKey("final_logit_softcapping") ? ConfigJson.OptionalDouble(json, "final_logit_softcapping") : 30.0,
            SlidingWindow = DecoderConfigReader.SlidingWindow(json, 4096),
            // configuration_gemma2.py: "sliding_attention" if bool((i + 1) % 2), so even layers slide.
            SlidingLayers = DecoderConfigReader.SlidingLayers(json, config.NumHiddenLayers, i => (i + 1) % 2 != 0),
        };
    }

    /// <summary>Gemma 2 and 3 config-class defaults: head_dim 256, tied, pad 0 / eos 1 / bos 2, `hidden_activation`.</summary>
    internal static DecoderDefaults GemmaDefaults(double ropeTheta, int maxPositions) => new()
    {
        HeadDim = 256, TieWordEmbeddings = true, RmsNormEps = 1e-6, RopeTheta = ropeTheta, MaxPositionEmbeddings = maxPositions,
        PadTokenId = 0, EosTokenId = 1, BosTokenId = 2,
        ActivationKey = "hidden_activation", Activation = "gelu_pytorch_tanh",
    };

    internal static double QueryPreAttnScale(JsonObject json) =>
        Math.Pow(ConfigJson.OptionalDouble(json, "query_pre_attn_scalar") ?? 256, -0.5);
}
