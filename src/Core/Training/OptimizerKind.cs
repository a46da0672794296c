namespace TuningService.Core.Training;

/// <summary>The optimizer of a training run.</summary>
public enum OptimizerKind
{
    /// <summary>AdamW with fp32 moments (<see cref="FusedAdamW"/>).</summary>
    AdamW,

    /// <summary>AdamW whose two moments are stored blockwise-quantized to 8 bits, as bitsandbytes' AdamW8bit.</summary>
    AdamW8bit,
}
