namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// One metric on one dataset, before and after fine-tuning, e.g. ("test: accuracy", 0.61, 0.84) for the target task
/// or ("retention: wikitext perplexity", 18.2, 19.7, HigherIsBetter: false) for forgetting. The chart annotates
/// After - Before and colours it by whether it is an improvement, so <paramref name="HigherIsBetter"/> must be false for
/// losses and perplexities.
/// </summary>
public sealed record BeforeAfterBar(string Label, double Before, double After, bool HigherIsBetter = true);
