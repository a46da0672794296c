namespace TuningService.Core.Datasets;

/// <summary>Where each record of a list goes when it is split; made by <see cref="DatasetSplitter.Plan"/>.</summary>
/// <param name="Parts">train, validation, test: only the parts whose share is above 0.</param>
/// <param name="StratifiedBy">What was kept in proportion: label, task, task+label or none.</param>
/// <param name="RecordsBefore">Records in the list, duplicates included.</param>
/// <param name="SetAside">Duplicates of an earlier record, in no part (indices into the list).</param>
/// <param name="ExactDuplicates">Of those, identical to an earlier record.</param>
/// <param name="NormalizedDuplicates">Of those, equal to an earlier record ignoring case, whitespace and punctuation.</param>
/// <param name="PromptsInSeveralParts">Prompts (normalised) that appear in more than one part with different completions:
/// not duplicates, but worth knowing when a test score looks high.</param>
public sealed record SplitPlan(SplitOptions Options, IReadOnlyList<SplitPart> Parts, string StratifiedBy, int RecordsBefore,
    IReadOnlyList<int> SetAside, int ExactDuplicates, int NormalizedDuplicates, int PromptsInSeveralParts)
{
    /// <summary>The part called <paramref name="name"/>, or null when its share was 0.</summary>
    public SplitPart? Part(string name) => Parts.FirstOrDefault(p => p.Name == name);

    /// <summary>One line for a job event or a log: how many records went where.</summary>
    public string Describe() =>
        $"{string.Join(", ", Parts.Select(p => $"{p.Indices.Count} {p.Name}"))} of {RecordsBefore} records " +
        $"(seed {Options.Seed}, stratified by {StratifiedBy}); {SetAside.Count} duplicates set aside " +
        $"({ExactDuplicates} exact, {NormalizedDuplicates} ignoring case, whitespace and punctuation).";
}
