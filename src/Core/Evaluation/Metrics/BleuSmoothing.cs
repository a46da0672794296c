namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// sacreBLEU's <c>smooth_method</c> (Chen and Cherry 2014): what replaces a modified precision whose match count is 0.
/// </summary>
public enum BleuSmoothing
{
    /// <summary>'none': the precision stays 0, so the score is 0.</summary>
    None,

    /// <summary>'floor': the match count is replaced by <see cref="BleuOptions.SmoothValue"/> (default 0.1).</summary>
    Floor,

    /// <summary>'add-k': orders 2 and up add <see cref="BleuOptions.SmoothValue"/> (default 1) to matches and totals.</summary>
    AddK,

    /// <summary>'exp', sacreBLEU's default: the k-th zero precision becomes 1 / (2^k * total) (NIST mteval-v13a).</summary>
    Exponential,
}
