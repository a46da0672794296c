using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>
/// Default (unscaled) RoPE in HF's layout: the angle for dimension i and i + d/2 is position · theta^(-2i/d), and
/// rotate_half pairs dimension i with i + d/2 (not the interleaved pairs of Meta's original checkpoints).
/// cos/sin are recomputed per forward in fp32 rather than cached: they cost O(T·d), and nothing then needs to
/// follow the module across devices or limit the sequence length.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly int headDim;
    private readonly double theta;

    public RotaryEmbedding(int headDim, double theta)
    {
        this.headDim = headDim;
        this.theta = theta;
    }

    /// <summary>cos and sin, each [1, 1, seqLen, headDim] in fp32, for positions 0..seqLen-1.</summary>
    public (Tensor Cos, Tensor Sin) Angles(long seqLen, Device device) =>
        Angles(arange(seqLen, ScalarType.Int64, device).unsqueeze(0));

    /// <summary>cos and sin, each [B, 1, T, headDim] in fp32, for int64 positions [B, T] (B may be 1 to broadcast).</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positions)
    {
        // inv_freq = 1 / theta^(arange(0, d, 2) / d), as modeling_rope_utils computes it (fp32).
        var device = positions.device;
        var exponents = arange(0, headDim, 2, ScalarType.Int64, device).to(ScalarType.Float32) / headDim;
        var invFreq = pow(tensor(theta, ScalarType.Float32, device), exponents).reciprocal();
        var freqs = positions.to(ScalarType.Float32).unsqueeze(-1) * invFreq; // [B, T, d/2]
        var emb = cat([freqs, freqs], -1).unsqueeze(1);                       // [B, 1, T, d]
        return (emb.cos(), emb.sin());
    }

    /// <summary>x · cos + rotate_half(x) · sin for x [B, heads, T, d], in x's dtype (HF casts cos/sin first).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return x * cos.to(x.dtype) + rotated * sin.to(x.dtype);
    }
}
