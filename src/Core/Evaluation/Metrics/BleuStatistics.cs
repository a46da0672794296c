namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// BLEU's sufficient statistics summed over a corpus (sacreBLEU's <c>_compute_segment_statistics</c>, added up).
/// </summary>
internal sealed class BleuStatistics
{
    private readonly long[] _matches = new long[Bleu.MaxOrder];
    private readonly long[] _totals = new long[Bleu.MaxOrder];

    public IReadOnlyList<long> Matches => _matches;

    public IReadOnlyList<long> Totals => _totals;

    public long HypothesisLength { get; private set; }

    public long ReferenceLength { get; private set; }

    public void AddSegment(List<string> hypothesis, List<List<string>> references)
    {
        // A hypothesis n-gram may match up to the largest count it has in any one reference.
        var referenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            foreach (var (ngram, count) in CountNGrams(reference))
                referenceCounts[ngram] = Math.Max(referenceCounts.GetValueOrDefault(ngram), count);
        }
        foreach (var (ngram, count) in CountNGrams(hypothesis))
        {
            var order = ngram.Count(c => c == ' ');
            _totals[order] += count;
            _matches[order] += Math.Min(count, referenceCounts.GetValueOrDefault(ngram));
        }
        HypothesisLength += hypothesis.Count;
        ReferenceLength += ClosestLength(hypothesis.Count, references);
    }

    // The reference length nearest the hypothesis length; on a tie the shorter one.
    private static int ClosestLength(int hypothesisLength, List<List<string>> references)
    {
        var closest = references[0].Count;
        foreach (var reference in references)
        {
            var difference = Math.Abs(hypothesisLength - reference.Count);
            var closestDifference = Math.Abs(hypothesisLength - closest);
            if (difference < closestDifference || (difference == closestDifference && reference.Count < closest))
                closest = reference.Count;
        }
        return closest;
    }

    // Orders 1..MaxOrder, keyed by the tokens joined with single spaces (tokens never contain whitespace, so the number
    // of spaces is the order minus one).
    private static Dictionary<string, int> CountNGrams(List<string> tokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 1; n <= Bleu.MaxOrder; n++)
        {
            for (var i = 0; i + n <= tokens.Count; i++)
            {
                var key = string.Join(' ', tokens.GetRange(i, n));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return counts;
    }
}
