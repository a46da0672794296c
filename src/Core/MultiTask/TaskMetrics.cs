namespace TuningService.Core.MultiTask;

/// <summary>
/// One task's validation result: mean cross-entropy over its labelled tokens (token-weighted across batches, not a
/// mean of batch means) and the share of those tokens the model's argmax gets right. NaN when no token is labelled.
/// </summary>
public sealed record TaskMetrics(string Task, int ExampleCount, long PredictedTokenCount, double Loss, double TokenAccuracy);
