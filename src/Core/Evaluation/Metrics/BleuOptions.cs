namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// sacreBLEU's <c>BLEU(...)</c> settings. The defaults are sacreBLEU's defaults (signature
/// <c>case:mixed|eff:no|tok:13a|smooth:exp</c>); the others exist so that the implementation can be held to
/// sacreBLEU's published test values for them.
/// </summary>
public sealed record BleuOptions
{
    /// <summary>sacreBLEU's defaults.</summary>
    public static BleuOptions Default { get; } = new();

    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.Exponential;

    /// <summary>For <see cref="BleuSmoothing.Floor"/> and <see cref="BleuSmoothing.AddK"/>; null takes sacreBLEU's
    /// default for the method (0.1 and 1).</summary>
    public double? SmoothValue { get; init; }

    /// <summary>sacreBLEU's <c>effective_order</c>: average only over the orders the hypotheses have n-grams of
    /// (meant for sentence-level BLEU).</summary>
    public bool EffectiveOrder { get; init; }

    public BleuTokenization Tokenization { get; init; } = BleuTokenization.Mteval13a;
}
