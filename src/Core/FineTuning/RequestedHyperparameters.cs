namespace TuningService.Core.FineTuning;

/// <summary>Hyperparameters as the user asked for them; null means "auto".</summary>
public sealed record RequestedHyperparameters(int? NEpochs, int? BatchSize, double? LearningRateMultiplier)
{
    public static RequestedHyperparameters Auto { get; } = new(null, null, null);
}
