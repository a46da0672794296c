namespace TuningService.Core.Datasets;

/// <summary>
/// <see cref="ClassificationLabels"/>' rule applied as completions stream past, in bounded memory: it holds at most
/// <see cref="ClassificationLabels.MaxLabels"/> + 1 distinct labels and their counts, and forgets them all the moment
/// there are more (the data is then no classification data, whatever follows). Statistics, splitting and
/// <see cref="ClassificationLabels.Detect"/> all count through it, so a file read once and a list read whole agree.
/// </summary>
public sealed class LabelTally
{
    readonly Dictionary<string, int> ordinals = new(StringComparer.Ordinal);
    readonly List<string> names = [];
    readonly List<long> counts = [];

    /// <summary>Completions counted, labels or not.</summary>
    public long Total { get; private set; }

    /// <summary>More than <see cref="ClassificationLabels.MaxLabels"/> distinct labels were seen: not classification data.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Counts one completion; returns its label's ordinal (order of first appearance), or -1 once overflowed.</summary>
    public int Add(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        Total++;
        if (Overflowed) return -1;
        var label = ClassificationLabels.LabelOf(completion);
        if (!ordinals.TryGetValue(label, out var ordinal))
        {
            if (names.Count == ClassificationLabels.MaxLabels)
            {
                Overflowed = true;
                ordinals.Clear();
                names.Clear();
                counts.Clear();
                return -1;
            }
            ordinal = names.Count;
            ordinals[label] = ordinal;
            names.Add(label);
            counts.Add(0);
        }
        counts[ordinal]++;
        return ordinal;
    }

    /// <summary>The label set, sorted ordinally, when the completions counted are classification data; else null.</summary>
    public IReadOnlyList<string>? Labels =>
        Overflowed || names.Count < 2 || Total < 3L * names.Count ? null : [.. names.Order(StringComparer.Ordinal)];

    /// <summary>The label with this ordinal (as <see cref="Add"/> returned it).</summary>
    public string LabelAt(int ordinal) => names[ordinal];

    /// <summary>How many completions carried <paramref name="label"/>.</summary>
    public long CountOf(string label) => ordinals.TryGetValue(label, out var ordinal) ? counts[ordinal] : 0;
}
