using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// RoPE in HF's rotate_half layout on the first <c>rotaryDim</c> dimensions of each head (all of them unless
/// Phi-3's partial_rotary_factor says fewer); the remaining dimensions pass unchanged. Angles are recomputed per
/// forward in fp32, as in <see cref="Llama.RotaryEmbedding"/>.
/// </summary>
public sealed class DecoderRotaryEmbedding
{
    private readonly int rotaryDim;
    private readonly RopeSettings settings;

    public DecoderRotaryEmbedding(int rotaryDim, RopeSettings settings)
    {
        this.rotaryDim = rotaryDim;
        this.settings = settings;
    }

    /// <summary>Angles for int64 positions [B, T] (B may be 1 to broadcast).</summary>
    public RotaryAngles Angles(Tensor positions)
    {
        // modeling_rope_utils: inv_freq = 1 / base^(arange(0, dim, 2) / dim) with dim the rotary dims (Phi-3: 12
        // of 16, so the exponent is divided by 12); linear scaling then divides inv_freq by the factor.
        var device = positions.device;
        var exponents = arange(0, rotaryDim, 2, ScalarType.Int64, device).to(ScalarType.Float32) / rotaryDim;
        var invFreq = pow(tensor(settings.Theta, ScalarType.Float32, device), exponents).reciprocal();
        if (settings.LinearScalingFactor != 1.0)
            invFreq = invFreq / settings.LinearScalingFactor;
        var freqs = positions.to(ScalarType.Float32).unsqueeze(-1) * invFreq; // [B, T, dim/2]
        var emb = cat([freqs, freqs], -1).unsqueeze(1);                       // [B, 1, T, dim]
        return new RotaryAngles(emb.cos(), emb.sin());
    }

    /// <summary>
    /// x · cos + rotate_half(x) · sin on x's first rotary dims, x [B, heads, T, head_dim], in x's dtype.
    /// modeling_phi3.py apply_rotary_pos_emb (190-219): q_rot, q_pass = q[..., :rotary_dim], q[..., rotary_dim:].
    /// </summary>
    public static Tensor Apply(Tensor x, RotaryAngles angles)
    {
        var rotaryDim = angles.Cos.shape[^1];
        var headDim = x.shape[^1];
        var toRotate = rotaryDim == headDim ? x : x.narrow(-1, 0, rotaryDim);
        var half = rotaryDim / 2;
        var rotated = cat([-toRotate.narrow(-1, half, half), toRotate.narrow(-1, 0, half)], -1);
        var result = toRotate * angles.Cos.to(x.dtype) + rotated * angles.Sin.to(x.dtype);
        return rotaryDim == headDim ? result : cat([result, x.narrow(-1, rotaryDim, headDim - rotaryDim)], -1);
    }
}
