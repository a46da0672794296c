namespace TuningService.Core.Training;

/// <summary>The scalars of one <see cref="FusedAdamW"/> step, computed in double as PyTorch computes them, then used in fp32.</summary>
internal readonly record struct AdamWCoefficients(float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
    float StepSize, float SqrtBiasCorrection2, float Epsilon)
{
    public static AdamWCoefficients For(long step, double learningRate, double weightDecay) => new(
        Decay: (float)(1 - learningRate * weightDecay),
        Beta1: (float)FusedAdamW.Beta1, OneMinusBeta1: (float)(1 - FusedAdamW.Beta1),
        Beta2: (float)FusedAdamW.Beta2, OneMinusBeta2: (float)(1 - FusedAdamW.Beta2),
        StepSize: (float)(learningRate / (1 - Math.Pow(FusedAdamW.Beta1, step))),
        SqrtBiasCorrection2: (float)Math.Sqrt(1 - Math.Pow(FusedAdamW.Beta2, step)),
        Epsilon: (float)FusedAdamW.Epsilon);
}
