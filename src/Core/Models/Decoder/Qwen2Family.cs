using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>Qwen2 / Qwen2.5 (model_type "qwen2", Qwen2ForCausalLM): Llama with biases on q/k/v_proj.</summary>
public sealed class Qwen2Family : DecoderFamily
{
    public override string ModelType => "qwen2";

    public override IReadOnlyList<string> Architectures { get; } = ["Qwen2ForCausalLM"];

    protected override DecoderConfig Parse(JsonObject json)
    {
        var config = DecoderConfigReader.Read(json, ModelType, new DecoderDefaults
        {
            TieWordEmbeddings = false, RmsNormEps = 1e-6, RopeTheta = 10000.0, MaxPositionEmbeddings = 32768,
        });
        var window = QwenSlidingWindow(json);
        var maxWindowLayers = ConfigJson.OptionalInt(json, "max_window_layers") ?? 28;
        return config with
        {
            // modeling_qwen2.py Qwen2Attention (122-183): q/k/v_proj bias=True, o_proj bias=False, hard-coded.
            QkvBias = true,
            OutputBias = false,
            SlidingWindow = window,
            SlidingLayers = DecoderConfigReader.SlidingLayers(json, config.NumHiddenLayers, i => window is not null && i >= maxWindowLayers),
        };
    }

    /// <summary>
    /// configuration_qwen2.py / qwen3: `self.sliding_window = sliding_window if self.use_sliding_window else None`
    /// (class default 4096); layer i then slides iff a window is set and i ≥ max_window_layers.
    /// </summary>
    internal static int? QwenSlidingWindow(JsonObject json) =>
        ConfigJson.OptionalBool(json, "use_sliding_window") == true ? DecoderConfigReader.SlidingWindow(json, 4096) : null;
}
