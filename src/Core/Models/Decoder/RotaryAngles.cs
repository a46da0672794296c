using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>cos and sin, each [B or 1, 1, T, rotary_dim] in fp32.</summary>
public sealed record RotaryAngles(Tensor Cos, Tensor Sin);
