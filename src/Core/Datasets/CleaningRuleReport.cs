namespace TuningService.Core.Datasets;

/// <summary>What one cleaning rule found.</summary>
/// <param name="Rule">normalized_text, empty, exact_duplicates, normalized_duplicates, conflicts or too_long.</param>
/// <param name="Description">What the rule looks for and what it did with what it found, in words.</param>
/// <param name="Found">Records the rule matched.</param>
/// <param name="Removed">Of those, records dropped from the cleaned file.</param>
/// <param name="Changed">Of those, records kept with changed text (normalised, or truncated to fit).</param>
/// <param name="Examples">Up to the requested number of matched records, in file order.</param>
/// <param name="Groups">For conflicts: how many groups of records share a prompt; null for other rules.</param>
public sealed record CleaningRuleReport(string Rule, string Description, int Found, int Removed, int Changed,
    IReadOnlyList<ReportExample> Examples, int? Groups = null);
