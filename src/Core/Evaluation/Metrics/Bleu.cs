namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// Corpus BLEU (Papineni et al. 2002) exactly as sacreBLEU 2.x computes it: n-gram statistics summed over the corpus,
/// clipped by the maximum count in any reference, the closest reference length (the shorter on a tie) for the brevity
/// penalty, orders 1 to 4, and by default the '13a' tokenizer with 'exp' smoothing. Written here because there is no
/// .NET sacreBLEU, and a BLEU with another tokenisation or smoothing is a different number.
/// </summary>
public static class Bleu
{
    /// <summary>The highest n-gram order (sacreBLEU's MAX_NGRAM_ORDER).</summary>
    public const int MaxOrder = 4;

    // sacreBLEU's utils.my_log(0): a huge negative stand-in for log(0), so that a zero precision zeroes the score
    // without an exception; kept as is so that the arithmetic is sacreBLEU's.
    private const double LogOfZero = -9999999999;

    /// <summary>sacreBLEU's <c>corpus_bleu(hypotheses, [references])</c> with its default settings.</summary>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        Corpus(hypotheses, references, BleuOptions.Default);

    /// <summary>Corpus BLEU with one reference per hypothesis.</summary>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, BleuOptions options)
    {
        MetricArguments.RequirePairs(hypotheses, references);
        return CorpusMultiReference(hypotheses, [references], options);
    }

    /// <summary>
    /// Corpus BLEU against several reference streams (sacreBLEU's <c>refs</c>: stream k holds the k-th reference of
    /// every hypothesis). An empty reference string means "no k-th reference for this hypothesis", as in sacreBLEU; a
    /// hypothesis with no non-empty reference at all is an error there and here.
    /// </summary>
    public static BleuScore CorpusMultiReference(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> referenceStreams, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(referenceStreams);
        if (referenceStreams.Count == 0) throw new ArgumentException("No reference stream.", nameof(referenceStreams));
        foreach (var stream in referenceStreams) MetricArguments.RequirePairs(hypotheses, stream);
        options ??= BleuOptions.Default;

        var statistics = new BleuStatistics();
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var references = referenceStreams.Select(stream => stream[i]).Where(text => !string.IsNullOrEmpty(text))
                .ToList();
            if (references.Count == 0)
                throw new ArgumentException($"Hypothesis {i} has no non-empty reference.", nameof(referenceStreams));
            statistics.AddSegment(
                Tokenize(hypotheses[i], options.Tokenization),
                references.ConvertAll(reference => Tokenize(reference, options.Tokenization)));
        }
        return FromStatistics(
            statistics.Matches, statistics.Totals, statistics.HypothesisLength, statistics.ReferenceLength, options);
    }

    /// <summary>
    /// sacreBLEU's <c>BLEU.compute_bleu</c>: the score from summed statistics (matches and totals per order 1..4,
    /// hypothesis and reference lengths in tokens).
    /// </summary>
    public static BleuScore FromStatistics(
        IReadOnlyList<long> matches, IReadOnlyList<long> totals, long hypothesisLength, long referenceLength,
        BleuOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (matches.Count != MaxOrder || totals.Count != MaxOrder)
            throw new ArgumentException($"Statistics need one match and one total count per order 1..{MaxOrder}.");

        var brevityPenalty = hypothesisLength < referenceLength
            ? hypothesisLength > 0 ? Math.Exp(1 - (double)referenceLength / hypothesisLength) : 0.0
            : 1.0;
        var precisions = new double[MaxOrder];
        if (matches.All(count => count == 0))
            return new BleuScore(0.0, precisions, brevityPenalty, hypothesisLength, referenceLength, matches, totals);

        var smoothValue = options.SmoothValue ?? (options.Smoothing == BleuSmoothing.AddK ? 1.0 : 0.1);
        var exponentialDivisor = 1.0;
        var effectiveOrder = MaxOrder;
        for (var n = 1; n <= MaxOrder; n++)
        {
            double correct = matches[n - 1], total = totals[n - 1];
            if (options.Smoothing == BleuSmoothing.AddK && n > 1)
            {
                correct += smoothValue;
                total += smoothValue;
            }
            if (total == 0) break;
            if (options.EffectiveOrder) effectiveOrder = n;
            if (correct == 0)
            {
                if (options.Smoothing == BleuSmoothing.Exponential)
                {
                    exponentialDivisor *= 2;
                    precisions[n - 1] = 100.0 / (exponentialDivisor * total);
                }
                else if (options.Smoothing == BleuSmoothing.Floor)
                {
                    precisions[n - 1] = 100.0 * smoothValue / total;
                }
            }
            else
            {
                precisions[n - 1] = 100.0 * correct / total;
            }
        }

        var logSum = 0.0;
        for (var n = 0; n < effectiveOrder; n++) logSum += precisions[n] == 0.0 ? LogOfZero : Math.Log(precisions[n]);
        var score = brevityPenalty * Math.Exp(logSum / effectiveOrder);
        return new BleuScore(score, precisions, brevityPenalty, hypothesisLength, referenceLength, matches, totals);
    }

    // sacreBLEU's _preprocess_segment: rstrip, then the tokenizer; its n-gram extraction then splits on whitespace.
    private static List<string> Tokenize(string text, BleuTokenization tokenization)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stripped = PythonText.TrimEnd(text);
        return PythonText.Split(tokenization == BleuTokenization.Mteval13a ? Tokenizer13a.Tokenize(stripped) : stripped);
    }
}
