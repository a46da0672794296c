namespace TuningService.Core.Models.Decoder;

/// <summary>
/// One RoPE table: base <paramref name="Theta"/> and linear scaling (modeling_rope_utils
/// `_compute_linear_scaling_rope_parameters`: inv_freq /= factor; 1 = unscaled, the "default" rope_type).
/// </summary>
public sealed record RopeSettings(double Theta, double LinearScalingFactor = 1.0);
