namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// One run (or baseline) on a trade-off chart: what it gained on the target task and what it lost on retention data,
/// e.g. ("full fine-tuning", Forgetting: +0.31 perplexity, Gain: +0.42 accuracy). Both are signed so that positive is
/// "more": more forgetting to the right, more gain upwards.
/// </summary>
/// <param name="Series">
/// Groups points, e.g. by target task: the points of one series share a marker shape, and the i-th point of every
/// series shares a colour, so the same methods run on several tasks read as one colour each. Null: one series.
/// </param>
public sealed record TradeOffPoint(string Label, double Forgetting, double Gain, string? Series = null);
