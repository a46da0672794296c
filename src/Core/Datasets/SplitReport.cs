namespace TuningService.Core.Datasets;

/// <summary>What a split did: stored as each part's report (StoredFile.ReportJson) and returned by the split endpoint.</summary>
/// <param name="DuplicatesSetAside">Records in no part because they repeat an earlier one (<see cref="SplitPlan.SetAside"/>).</param>
public sealed record SplitReport(int Seed, SplitRatios Ratios, string StratifiedBy, int RecordsBefore, int DuplicatesSetAside,
    int ExactDuplicates, int NormalizedDuplicates, int PromptsInSeveralParts, IReadOnlyList<SplitPartSummary> Splits)
{
    /// <param name="fileIds">The file written for each part, by part name; null when the parts were not written.</param>
    public static SplitReport From(SplitPlan plan, IReadOnlyDictionary<string, string>? fileIds = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new SplitReport(plan.Options.Seed, plan.Options.Ratios, plan.StratifiedBy, plan.RecordsBefore, plan.SetAside.Count,
            plan.ExactDuplicates, plan.NormalizedDuplicates, plan.PromptsInSeveralParts,
            [.. plan.Parts.Select(p => new SplitPartSummary(p.Name, p.Indices.Count, p.Distribution, fileIds?.GetValueOrDefault(p.Name)))]);
    }

    public string ToJson() => ReportJson.Serialize(this);
}
