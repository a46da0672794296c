using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>What every layer's attention shares in one forward: RoPE angles and the optional attention mask.</summary>
/// <param name="Cos">[1, 1, T, head_dim] fp32.</param>
/// <param name="Sin">[1, 1, T, head_dim] fp32.</param>
/// <param name="Mask">Boolean [B, 1, T, T] (true = may attend), causal and padding combined; null = causal only.</param>
public sealed record LlamaAttentionContext(Tensor Cos, Tensor Sin, Tensor? Mask);
