namespace TuningService.Core.Datasets;

/// <summary>What cleaning did, rule by rule. Stored as the cleaned file's report (StoredFile.ReportJson).</summary>
/// <param name="RecordsBefore">Records in the source file.</param>
/// <param name="RecordsAfter">Records in the cleaned file.</param>
/// <param name="Model">The model whose tokens the length rule counted.</param>
/// <param name="MaxTokens">The length limit examples were held to; null when lengths were not checked.</param>
/// <param name="Options">The options the rules ran with, defaults filled in.</param>
/// <param name="Rules">One entry per rule, in the order they ran.</param>
public sealed record CleaningReport(int RecordsBefore, int RecordsAfter, string? Model, int? MaxTokens, CleaningOptions Options,
    IReadOnlyList<CleaningRuleReport> Rules)
{
    public int RecordsRemoved => RecordsBefore - RecordsAfter;

    public string ToJson() => ReportJson.Serialize(this);
}
