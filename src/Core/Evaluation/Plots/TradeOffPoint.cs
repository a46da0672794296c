namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// One run (or baseline) on a trade-off chart: what it gained on the target task and what it lost on retention data,
/// e.g. ("full fine-tuning", Forgetting: +0.31 perplexity, Gain: +0.42 accuracy). Both are signed so that positive is
/// "more": more forgetting to the right, more gain upwards.
/// </summary>
public sealed record TradeOffPoint(string Label, double Forgetting, double Gain);
