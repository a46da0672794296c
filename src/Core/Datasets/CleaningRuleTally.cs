using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>Counts what one rule matched while cleaning runs, keeping the first few matches as examples.</summary>
internal sealed class CleaningRuleTally(string rule, int maxExamples)
{
    readonly List<ReportExample> examples = [];
    int found, removed, changed;

    /// <param name="show">Whether it may be one of the examples shown: a caller that meets matches out of the order it
    /// reports them in (conflicts, reported group by group while the file is read in order) says which are first.</param>
    public void Removed(long position, TrainingExample example, string? detail, bool show = true)
    {
        removed++;
        Kept(position, example, detail, show);
    }

    public void Changed(long position, TrainingExample example, string? detail)
    {
        changed++;
        Kept(position, example, detail);
    }

    /// <summary>Matched, but left in the file as it is.</summary>
    public void Kept(long position, TrainingExample example, string? detail, bool show = true)
    {
        found++;
        if (show && examples.Count < maxExamples) examples.Add(new ReportExample(position, RecordText.Preview(example), detail));
    }

    public CleaningRuleReport ToReport(string description, int? groups = null) =>
        new(rule, description, found, removed, changed, [.. examples.OrderBy(e => e.Position)], groups);
}
