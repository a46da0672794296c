using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Splits examples into train, validation and test under a seed, taking them one at a time so that a file can be
/// planned while it is read. Duplicates (exact and normalised, as <see cref="DuplicateFinder"/> defines them) are
/// set aside first, keeping the first occurrence, so no example can land in two parts. The rest are grouped into
/// strata (labels, tasks or both; <see cref="StratifyBy"/>), each stratum shuffled with its own generator and dealt
/// out by <see cref="Apportionment"/>. Each part lists its records in file order.
/// </summary>
/// <remarks>
/// Memory is bounded per example, never by its text: the duplicate digests (about 80 bytes per distinct example),
/// a <see cref="SplitCandidate"/> (16 bytes), and in the plan each index once (4 bytes); labels are counted by
/// <see cref="LabelTally"/> (at most 51 per task and for the file), tasks once each.
/// </remarks>
public sealed class SplitPlanner
{
    const string NoTask = "(no task)";

    readonly DuplicateFinder finder = new();
    readonly List<SplitCandidate> candidates = [];
    readonly List<int> setAside = [];
    readonly Dictionary<string, int> taskOrdinals = new(StringComparer.Ordinal);
    readonly List<string> taskNames = [];
    readonly List<LabelTally> taskLabels = [];
    readonly LabelTally labels = new();
    int count, exact, normalized;
    bool hasTasks;

    /// <summary>Takes the next example (its index is the number taken before it).</summary>
    public void Add(TrainingExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var index = count++;
        if (finder.Check(example, index) is { } match)
        {
            setAside.Add(index);
            if (match.Kind == DuplicateKind.Exact) exact++;
            else normalized++;
            return;
        }
        hasTasks |= !string.IsNullOrWhiteSpace(example.Task);
        var task = string.IsNullOrWhiteSpace(example.Task) ? NoTask : example.Task!;
        if (!taskOrdinals.TryGetValue(task, out var ordinal))
        {
            ordinal = taskNames.Count;
            taskOrdinals[task] = ordinal;
            taskNames.Add(task);
            taskLabels.Add(new LabelTally());
        }
        candidates.Add(new SplitCandidate(index, ordinal, taskLabels[ordinal].Add(example.Completion), labels.Add(example.Completion)));
    }

    /// <summary>
    /// Where each example taken goes. <see cref="SplitPlan.PromptsInSeveralParts"/> is left 0: it needs the prompts
    /// again, which whoever reads the examples a second time counts (<see cref="PromptsAcrossParts"/>).
    /// </summary>
    /// <exception cref="SplitException">Labels or tasks asked for and absent, or a part with a share above 0 would be empty.</exception>
    public SplitPlan Plan(SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Ratios.Check() is { } invalid) throw new SplitException(invalid.Param, invalid.Message);

        var (stratumOf, stratifiedBy) = Stratify(options.Stratify);
        var strata = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            var stratum = stratumOf(candidate);
            if (!strata.TryGetValue(stratum, out var members)) strata[stratum] = members = [];
            members.Add(candidate.Index);
        }
        var names = SplitNames.All.Where(n => options.Ratios.Of(n) > 0).ToList();
        var groups = strata.OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var counts = Apportionment.Apportion([.. groups.Select(g => g.Value.Count)], [.. names.Select(options.Ratios.Of)]);
        var indices = names.Select(_ => new List<int>()).ToList();
        var distributions = names.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToList();
        for (var s = 0; s < groups.Count; s++)
        {
            var shuffled = groups[s].Value.ToArray();
            StratumRandom(options.Seed, groups[s].Key).Shuffle(shuffled);
            var dealt = 0;
            for (var p = 0; p < names.Count; p++)
            {
                indices[p].AddRange(shuffled.AsSpan(dealt, counts[s][p]));
                if (counts[s][p] > 0) distributions[p][groups[s].Key] = counts[s][p];
                dealt += counts[s][p];
            }
        }
        foreach (var part in indices) part.Sort();

        var parts = names.Select((n, p) => new SplitPart(n, indices[p], distributions[p])).ToList();
        if (parts.FirstOrDefault(p => p.Indices.Count == 0) is { } emptyPart)
            throw new SplitException(emptyPart.Name, $"{emptyPart.Name} would get none of the {candidates.Count} distinct records; " +
                $"give it a larger share or use a larger file.");
        return new SplitPlan(options, parts, stratifiedBy, count, setAside, exact, normalized, 0);
    }

    /// <summary>Each distinct example's stratum, and what the strata are made of.</summary>
    (Func<SplitCandidate, string> StratumOf, string StratifiedBy) Stratify(StratifyBy by)
    {
        var allLabels = labels.Labels;
        switch (by)
        {
            case StratifyBy.None:
                return (_ => "all", "none");
            case StratifyBy.Label:
                if (allLabels is null)
                    throw new SplitException("stratify", "stratify=label needs classification data: completions from a small set of labels " +
                        $"(at most {ClassificationLabels.MaxLabels}, each used 3 times on average). Use \"task\" or \"none\".");
                return (c => labels.LabelAt(c.Label), "label");
            case StratifyBy.Task:
                if (!hasTasks) throw new SplitException("stratify", "stratify=task needs records with a 'task'; none has one. Use \"label\" or \"none\".");
                return (c => taskNames[c.Task], "task");
            default:
                if (taskNames.Count >= 2) return TasksAndTheirLabels();
                if (allLabels is not null) return (c => labels.LabelAt(c.Label), "label");
                return (_ => "all", "none");
        }
    }

    /// <summary>Tasks, and within each task whose completions are labels, its labels ("task / label").</summary>
    (Func<SplitCandidate, string>, string) TasksAndTheirLabels()
    {
        var labelled = taskLabels.Select(t => t.Labels is not null).ToArray();
        // One string per (task, label): made once, not once per example.
        var names = taskNames.Select((task, t) => labelled[t]
            ? taskLabels[t].Labels!.ToDictionary(l => l, l => $"{task} / {l}", StringComparer.Ordinal)
            : null).ToArray();
        string StratumOf(SplitCandidate c) => names[c.Task] is { } byLabel ? byLabel[taskLabels[c.Task].LabelAt(c.TaskLabel)] : taskNames[c.Task];
        return (StratumOf, labelled.Any(l => l) ? "task+label" : "task");
    }

    /// <summary>
    /// A generator per stratum, fixed by the seed and the stratum's name, so a stratum's shuffle does not depend on
    /// which other strata exist. Seeded System.Random keeps its algorithm across .NET versions; the name is hashed
    /// with SHA-256 because string.GetHashCode is salted per process.
    /// </summary>
    static Random StratumRandom(int seed, string stratum)
    {
        var hash = BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(stratum)));
        return new Random(unchecked((seed * 1_000_003) ^ hash));
    }
}
