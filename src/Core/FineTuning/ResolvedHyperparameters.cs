namespace TuningService.Core.FineTuning;

/// <summary>The values a job trains with, after "auto" was resolved.</summary>
public sealed record ResolvedHyperparameters(int NEpochs, int BatchSize, double LearningRateMultiplier, double LearningRate);
