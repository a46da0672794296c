namespace TuningService.Core.Datasets;

/// <summary>One record a rule removed or changed: where it was in the source file, its text shortened, and why.</summary>
/// <param name="Position">The record's line (JSONL), element (JSON array) or row (CSV/TSV) in the source file, 1-based.</param>
/// <param name="Text">Prompt and completion as the model reads them, shortened (<see cref="RecordText.Preview"/>).</param>
/// <param name="Detail">What the rule found, e.g. "same as position 3" or "412 tokens, over 256".</param>
public sealed record ReportExample(long Position, string Text, string? Detail = null);
