using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>What every layer's attention shares in one forward: RoPE angles, the optional mask and cache.</summary>
/// <param name="Cos">[B or 1, 1, T, head_dim] fp32.</param>
/// <param name="Sin">[B or 1, 1, T, head_dim] fp32.</param>
/// <param name="Mask">Boolean [B or 1, 1, T, past + T] (true = may attend), causal and padding combined; null =
/// plain causal attention, which the model only chooses when there is no past or a single new position.</param>
/// <param name="Cache">Keys/values of earlier positions; each layer appends its new ones. Null = no past.</param>
public sealed record LlamaAttentionContext(Tensor Cos, Tensor Sin, Tensor? Mask, KeyValueCache? Cache);
