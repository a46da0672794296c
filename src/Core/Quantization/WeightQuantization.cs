namespace TuningService.Core.Quantization;

/// <summary>How the frozen base weights of a LoRA run are stored in memory.</summary>
public enum WeightQuantization
{
    /// <summary>In the training precision (fp32, or bf16 with precision bf16).</summary>
    None,

    /// <summary>4-bit NormalFloat with blockwise absmax scales (block 64) and double quantization of the scales (QLoRA).</summary>
    Nf4,

    /// <summary>8-bit integers with blockwise absmax scales.</summary>
    Int8,
}
