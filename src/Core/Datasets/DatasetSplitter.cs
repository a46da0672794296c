using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Splits examples into train, validation and test under a seed. Duplicates (exact and normalised, as
/// <see cref="DuplicateFinder"/> defines them) are set aside first, keeping the first occurrence, so no example can
/// land in two parts. The rest are grouped into strata (labels, tasks or both; <see cref="StratifyBy"/>), each
/// stratum shuffled with its own generator and dealt out by <see cref="Apportionment"/>. Each part lists its
/// records in file order.
/// </summary>
public static class DatasetSplitter
{
    const string NoTask = "(no task)";

    /// <exception cref="SplitException">Labels or tasks asked for and absent, or a part with a share above 0 would be empty.</exception>
    public static SplitPlan Plan(IReadOnlyList<TrainingExample> examples, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Ratios.Check() is { } invalid) throw new SplitException(invalid.Param, invalid.Message);

        var finder = new DuplicateFinder();
        List<int> unique = [], setAside = [];
        int exact = 0, normalized = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var match = finder.Check(examples[i], i);
            if (match is null) unique.Add(i);
            else
            {
                setAside.Add(i);
                if (match.Kind == DuplicateKind.Exact) exact++;
                else normalized++;
            }
        }

        var (strata, stratifiedBy) = Stratify(examples, unique, options.Stratify);
        var names = SplitNames.All.Where(n => options.Ratios.Of(n) > 0).ToList();
        var groups = strata.GroupBy(s => s.Stratum, s => s.Index, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var counts = Apportionment.Apportion([.. groups.Select(g => g.Count())], [.. names.Select(options.Ratios.Of)]);
        var members = names.ToDictionary(n => n, _ => new List<(int Index, string Stratum)>());
        for (var s = 0; s < groups.Count; s++)
        {
            var shuffled = groups[s].ToArray();
            StratumRandom(options.Seed, groups[s].Key).Shuffle(shuffled);
            var dealt = 0;
            for (var p = 0; p < names.Count; p++)
            {
                members[names[p]].AddRange(shuffled.Skip(dealt).Take(counts[s][p]).Select(i => (i, groups[s].Key)));
                dealt += counts[s][p];
            }
        }

        var parts = names.Select(n => new SplitPart(n, [.. members[n].Select(m => m.Index).Order()],
            members[n].GroupBy(m => m.Stratum, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal))).ToList();
        if (parts.FirstOrDefault(p => p.Indices.Count == 0) is { } emptyPart)
            throw new SplitException(emptyPart.Name, $"{emptyPart.Name} would get none of the {unique.Count} distinct records; " +
                $"give it a larger share or use a larger file.");
        return new SplitPlan(options, parts, stratifiedBy, examples.Count, setAside, exact, normalized, PromptsInSeveralParts(examples, parts));
    }

    /// <summary>Each unique record's stratum, and what the strata are made of.</summary>
    static (List<(int Index, string Stratum)> Strata, string StratifiedBy) Stratify(IReadOnlyList<TrainingExample> examples, List<int> unique, StratifyBy by)
    {
        string TaskOf(int i) => string.IsNullOrWhiteSpace(examples[i].Task) ? NoTask : examples[i].Task!;
        var taskCount = unique.Select(TaskOf).Distinct(StringComparer.Ordinal).Count();
        var hasTasks = unique.Any(i => !string.IsNullOrWhiteSpace(examples[i].Task));
        var allLabels = ClassificationLabels.Detect(unique.Select(i => examples[i].Completion));
        switch (by)
        {
            case StratifyBy.None:
                return ([.. unique.Select(i => (i, "all"))], "none");
            case StratifyBy.Label:
                if (allLabels is null)
                    throw new SplitException("stratify", "stratify=label needs classification data: completions from a small set of labels " +
                        $"(at most {ClassificationLabels.MaxLabels}, each used 3 times on average). Use \"task\" or \"none\".");
                return ([.. unique.Select(i => (i, ClassificationLabels.LabelOf(examples[i].Completion)))], "label");
            case StratifyBy.Task:
                if (!hasTasks) throw new SplitException("stratify", "stratify=task needs records with a 'task'; none has one. Use \"label\" or \"none\".");
                return ([.. unique.Select(i => (i, TaskOf(i)))], "task");
            default:
                if (taskCount >= 2) return TasksAndTheirLabels(unique, TaskOf, examples);
                if (allLabels is not null) return ([.. unique.Select(i => (i, ClassificationLabels.LabelOf(examples[i].Completion)))], "label");
                return ([.. unique.Select(i => (i, "all"))], "none");
        }
    }

    /// <summary>Tasks, and within each task whose completions are labels, its labels ("task / label").</summary>
    static (List<(int Index, string Stratum)>, string) TasksAndTheirLabels(List<int> unique, Func<int, string> taskOf, IReadOnlyList<TrainingExample> examples)
    {
        var strata = new List<(int, string)>(unique.Count);
        var anyLabels = false;
        foreach (var task in unique.GroupBy(taskOf, StringComparer.Ordinal))
        {
            var labelled = ClassificationLabels.Detect(task.Select(i => examples[i].Completion)) is not null;
            anyLabels |= labelled;
            strata.AddRange(task.Select(i => (i, labelled ? $"{task.Key} / {ClassificationLabels.LabelOf(examples[i].Completion)}" : task.Key)));
        }
        return (strata, anyLabels ? "task+label" : "task");
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

    static int PromptsInSeveralParts(IReadOnlyList<TrainingExample> examples, IReadOnlyList<SplitPart> parts) =>
        parts.SelectMany(p => p.Indices.Select(i => (Prompt: DuplicateKeys.NormalizedText(examples[i].Prompt), p.Name)))
            .Where(x => x.Prompt.Length > 0)
            .GroupBy(x => x.Prompt, x => x.Name, StringComparer.Ordinal)
            .Count(g => g.Distinct().Count() > 1);
}
