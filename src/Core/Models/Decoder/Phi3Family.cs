using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Phi-3 / Phi-4-mini (model_type "phi3", Phi3ForCausalLM): fused qkv_proj and gate_up_proj, partial RoPE, and a
/// sliding window on every layer when config.json sets one.
/// </summary>
public sealed class Phi3Family : DecoderFamily
{
    public override string ModelType => "phi3";

    public override IReadOnlyList<string> Architectures { get; } = ["Phi3ForCausalLM"];

    protected override DecoderConfig Parse(JsonObject json)
    {
        var config = DecoderConfigReader.Read(json, ModelType, new DecoderDefaults
        {
            TieWordEmbeddings = false, RmsNormEps = 1e-5, RopeTheta = 10000.0, MaxPositionEmbeddings = 4096,
            BosTokenId = 1, EosTokenId = 32000, PadTokenId = 32000,
        });
        // Phi-3's rope_scaling is "longrope" (the 128k variants), which is not implemented.
        if (!ConfigJson.IsAbsentOrNull(json, "rope_scaling"))
            throw new NotSupportedException($"config.json: Phi-3 rope_scaling {json["rope_scaling"]!.ToJsonString()} is not supported; only unscaled RoPE (rope_scaling null) is implemented.");
        DecoderConfigReader.RefuseDropout(json, "resid_pdrop");
        DecoderConfigReader.RefuseDropout(json, "embd_pdrop");
        var window = DecoderConfigReader.SlidingWindow(json, classDefault: null);
        var rotaryFactor = ConfigJson.OptionalDouble(json, "partial_rotary_factor") ?? 1.0;
        return config with
        {
            // modeling_phi3.py 256-260 (qkv split) and 63-66 (gate_up chunk); both projections have no bias.
            FusedProjections = true,
            // modeling_rope_utils _compute_default_rope_parameters: dim = int(head_dim * partial_rotary_factor).
            RotaryDim = (int)(config.HeadDim * rotaryFactor),
            SlidingWindow = window,
            SlidingLayers = Enumerable.Repeat(window is not null, config.NumHiddenLayers).ToArray(),
        };
    }
}
