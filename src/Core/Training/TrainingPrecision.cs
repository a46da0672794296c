namespace TuningService.Core.Training;

/// <summary>The number format the forward and backward passes run in.</summary>
public enum TrainingPrecision
{
    /// <summary>Weights, gradients and optimizer state in the model's own dtype (fp32 as loaded).</summary>
    Fp32,

    /// <summary>
    /// Forward and backward in bfloat16 on a bf16 copy of the weights, with fp32 master weights, fp32 gradient
    /// accumulation, fp32 AdamW moments and an fp32 loss (see <see cref="TrainableWeights"/>).
    /// </summary>
    Bf16,
}
