namespace TuningService.Core.FineTuning;

/// <summary>
/// Hyperparameters as the user asked for them. OpenAI's three are null for "auto"; the extensions (Together-style
/// names) are filled with their defaults when the job is created, so the job shows what will be used.
/// </summary>
public sealed record RequestedHyperparameters(int? NEpochs, int? BatchSize, double? LearningRateMultiplier)
{
    public static RequestedHyperparameters Auto { get; } = new(null, null, null);

    /// <summary>An absolute peak learning rate; overrides the multiplier.</summary>
    public double? LearningRate { get; init; }

    /// <summary>linear | cosine | constant, after warmup.</summary>
    public string LrScheduler { get; init; } = "linear";

    public double WarmupRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; }
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Longest training sequence in tokens; null = the model's context. Longer examples lose the start of their prompt.</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary>Also take the loss on prompt tokens (default: completions only).</summary>
    public bool TrainOnInputs { get; init; }
}
