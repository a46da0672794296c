namespace TuningService.Core.Evaluation.Metrics;

/// <summary>sacreBLEU's <c>tokenize</c> choices that are implemented here.</summary>
public enum BleuTokenization
{
    /// <summary>'13a', sacreBLEU's default: mteval-v13a.pl's tokenisation (see <see cref="Tokenizer13a"/>).</summary>
    Mteval13a,

    /// <summary>'none': the text is split on whitespace as it is.</summary>
    None,
}
