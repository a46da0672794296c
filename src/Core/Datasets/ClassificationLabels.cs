namespace TuningService.Core.Datasets;

/// <summary>
/// Decides whether a dataset is classification data: its completions come from a small label set. Splitting
/// stratifies by these labels, statistics show their distribution, and evaluation scores accuracy, macro-F1 and a
/// confusion matrix on them. One rule, used by all three, so that they never disagree about what a label is.
/// </summary>
public static class ClassificationLabels
{
    /// <summary>At most this many distinct labels; SST-2 has 2, AG News 4, most intent sets under 50.</summary>
    public const int MaxLabels = 50;

    /// <summary>A label is the completion with surrounding whitespace removed (" positive" and "positive" agree).</summary>
    public static string LabelOf(string completion) => completion.Trim();

    /// <summary>
    /// The label set, sorted ordinally, when <paramref name="completions"/> look like classification data: at most
    /// <see cref="MaxLabels"/> distinct labels, and on average each used at least 3 times (so free-text answers
    /// that happen to be few are not taken for labels). Null otherwise.
    /// </summary>
    public static IReadOnlyList<string>? Detect(IEnumerable<string> completions)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var tally = new LabelTally();
        foreach (var completion in completions)
        {
            tally.Add(completion);
            if (tally.Overflowed) return null;
        }
        return tally.Labels;
    }
}
