using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>What every layer's attention shares in one forward.</summary>
/// <param name="GlobalRope">Angles for full-attention layers.</param>
/// <param name="LocalRope">Angles for sliding layers (Gemma 3's local base); the global ones elsewhere.</param>
/// <param name="FullMask">Boolean [B or 1, 1, T, past + T] (true = may attend) for full-attention layers; null =
/// plain causal attention, chosen only when there is no past or a single new position and no padding.</param>
/// <param name="SlidingMask">As <paramref name="FullMask"/> with the window applied, for sliding layers.</param>
/// <param name="Cache">Keys/values of earlier positions; each layer appends its new ones. Null = no past.</param>
public sealed record DecoderAttentionContext(
    RotaryAngles GlobalRope, RotaryAngles LocalRope, Tensor? FullMask, Tensor? SlidingMask, KeyValueCache? Cache);
