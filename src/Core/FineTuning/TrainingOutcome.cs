namespace TuningService.Core.FineTuning;

/// <summary>What a finished training run produced.</summary>
public sealed record TrainingOutcome(string FineTunedModelId, long TrainedTokens, string ResultFileId);
