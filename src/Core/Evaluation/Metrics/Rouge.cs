namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// ROUGE as Google's rouge-score package computes it (<c>RougeScorer(["rouge1", "rouge2", "rougeL"])</c>, no
/// stemmer): its tokenizer (<see cref="RougeTokenizer"/>), clipped n-gram overlap for ROUGE-N and the sentence-level
/// longest common subsequence for ROUGE-L. Written here rather than taken from a library because no .NET package
/// reproduces rouge-score's tokenisation, and the figures must be comparable with published ones.
/// Porter stemming (<c>use_stemmer=True</c>) is not implemented: rouge-score uses NLTK's Porter variant, and an
/// approximate stemmer would give figures that look comparable but are not.
/// </summary>
public static class Rouge
{
    /// <summary>ROUGE-1, ROUGE-2 and ROUGE-L F1 of one prediction against its reference.</summary>
    public static RougeScores Score(string prediction, string reference)
    {
        var predicted = RougeTokenizer.Tokenize(prediction);
        var expected = RougeTokenizer.Tokenize(reference);
        return new RougeScores(
            NGramOverlap(predicted, expected, 1).F1,
            NGramOverlap(predicted, expected, 2).F1,
            LongestCommonSubsequence(predicted, expected).F1);
    }

    /// <summary>
    /// The arithmetic mean of <see cref="Score"/> over the pairs: what rouge-score's per-pair scores averaged (or the
    /// Hugging Face <c>rouge</c> metric with <c>use_aggregator=False</c> then a mean) give; rouge-score's bootstrap
    /// aggregator instead reports a resampled median with confidence bounds.
    /// </summary>
    public static RougeScores Average(IReadOnlyList<string> predictions, IReadOnlyList<string> references)
    {
        MetricArguments.RequirePairs(predictions, references);
        double rouge1 = 0, rouge2 = 0, rougeL = 0;
        for (var i = 0; i < predictions.Count; i++)
        {
            var scores = Score(predictions[i], references[i]);
            rouge1 += scores.Rouge1;
            rouge2 += scores.Rouge2;
            rougeL += scores.RougeL;
        }
        return new RougeScores(rouge1 / predictions.Count, rouge2 / predictions.Count, rougeL / predictions.Count);
    }

    /// <summary>ROUGE-N (<paramref name="n"/> &gt;= 1) with precision and recall.</summary>
    public static RougeMeasure RougeN(string prediction, string reference, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return NGramOverlap(RougeTokenizer.Tokenize(prediction), RougeTokenizer.Tokenize(reference), n);
    }

    /// <summary>ROUGE-L (sentence-level LCS, not the summary-level ROUGE-Lsum) with precision and recall.</summary>
    public static RougeMeasure RougeL(string prediction, string reference) =>
        LongestCommonSubsequence(RougeTokenizer.Tokenize(prediction), RougeTokenizer.Tokenize(reference));

    // rouge-score's _score_ngrams: overlap clipped per n-gram, each side's count floored at 1 so that an empty side
    // scores 0 rather than dividing by zero.
    private static RougeMeasure NGramOverlap(List<string> predicted, List<string> expected, int n)
    {
        var predictedCounts = CountNGrams(predicted, n);
        var expectedCounts = CountNGrams(expected, n);
        var overlap = 0;
        foreach (var (ngram, count) in expectedCounts)
            overlap += Math.Min(count, predictedCounts.GetValueOrDefault(ngram));
        var predictedTotal = Math.Max(predictedCounts.Values.Sum(), 1);
        var expectedTotal = Math.Max(expectedCounts.Values.Sum(), 1);
        return RougeMeasure.Of((double)overlap / predictedTotal, (double)overlap / expectedTotal);
    }

    // N-grams keyed by their tokens joined with a space: tokens are [a-z0-9]+, so the key is unambiguous.
    private static Dictionary<string, int> CountNGrams(List<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + n <= tokens.Count; i++)
        {
            var key = string.Join(' ', tokens.GetRange(i, n));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    private static RougeMeasure LongestCommonSubsequence(List<string> predicted, List<string> expected)
    {
        if (predicted.Count == 0 || expected.Count == 0) return new RougeMeasure(0, 0, 0);
        // One row of the dynamic-programming table at a time: only the length is needed, not the subsequence.
        var previous = new int[predicted.Count + 1];
        var current = new int[predicted.Count + 1];
        foreach (var expectedToken in expected)
        {
            for (var j = 1; j <= predicted.Count; j++)
            {
                current[j] = string.Equals(expectedToken, predicted[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }
            (previous, current) = (current, previous);
        }
        var length = previous[predicted.Count];
        return RougeMeasure.Of((double)length / predicted.Count, (double)length / expected.Count);
    }
}
