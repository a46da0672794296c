namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// A corpus BLEU result in sacreBLEU's terms: <paramref name="Score"/> on the 0-100 scale, the modified n-gram
/// <paramref name="Precisions"/> (orders 1..4) also in percent as sacreBLEU prints them (after smoothing), the brevity
/// penalty, and the token counts behind them (hypothesis tokens, closest-reference tokens, and per order the clipped
/// matches and the hypothesis n-grams).
/// </summary>
public sealed record BleuScore(
    double Score,
    IReadOnlyList<double> Precisions,
    double BrevityPenalty,
    long HypothesisLength,
    long ReferenceLength,
    IReadOnlyList<long> MatchCounts,
    IReadOnlyList<long> TotalCounts);
