using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>Qwen3 (model_type "qwen3", Qwen3ForCausalLM): Llama with per-head RMSNorms on queries and keys.</summary>
public sealed class Qwen3Family : DecoderFamily
{
    public override string ModelType => "qwen3";

    public override IReadOnlyList<string> Architectures { get; } = ["Qwen3ForCausalLM"];

    protected override DecoderConfig Parse(JsonObject json)
    {
        var config = DecoderConfigReader.Read(json, ModelType, new DecoderDefaults
        {
            HeadDim = 128, TieWordEmbeddings = false, RmsNormEps = 1e-6, RopeTheta = 10000.0, MaxPositionEmbeddings = 32768,
        });
        var bias = ConfigJson.OptionalBool(json, "attention_bias") ?? false;
        var window = Qwen2Family.QwenSlidingWindow(json);
        var maxWindowLayers = ConfigJson.OptionalInt(json, "max_window_layers") ?? 28;
        return config with
        {
            QkvBias = bias,
            OutputBias = bias,
            // modeling_qwen3.py 267-268: q_norm/k_norm (Llama-style RMSNorm over head_dim) before RoPE.
            QkNorm = true,
            SlidingWindow = window,
            SlidingLayers = DecoderConfigReader.SlidingLayers(json, config.NumHiddenLayers, i => window is not null && i >= maxWindowLayers),
        };
    }
}
