using TuningService.Core.Quantization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.Memory;

/// <summary>Everything the peak memory of a training worker depends on, as the job would run.</summary>
/// <param name="Rows">Sequences per forward pass: the batch size, twice it for DPO (each pair is two rows).</param>
/// <param name="InputPositions">An encoder-decoder model's encoder positions in the longest batch; 0 for a decoder-only model.</param>
/// <param name="TargetPositions">The positions the (decoder) blocks and the loss see in the longest batch.</param>
public sealed record MemoryPlanInputs(ModelShape Shape, int Rows, int InputPositions, int TargetPositions)
{
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Fp32;
    public bool IsLora { get; init; }
    public int LoraRank { get; init; } = 8;
    /// <summary>LoRA's target modules; null = the family's default.</summary>
    public IReadOnlyList<string>? LoraTargets { get; init; }
    /// <summary>LoRA's dropout: above 0 each adapter keeps its own dropped-out input and mask for the backward pass.</summary>
    public double LoraDropout { get; init; }
    public WeightQuantization Quantization { get; init; } = WeightQuantization.None;
    public bool GradientCheckpointing { get; init; }
    /// <summary>Positions per chunk of the loss (0: the whole batch's logits at once).</summary>
    public int LossChunkPositions { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public bool OptimizerInBackward { get; init; }
    /// <summary>The C heap keeps freed large blocks while training (<see cref="Common.NativeHeap"/>).</summary>
    public bool KeepFreedMemory { get; init; }
}
