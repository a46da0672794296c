namespace TuningService.Core.Datasets;

/// <summary>Which rules <see cref="DatasetCleaner"/> applies. The defaults are what POST /v1/files/{id}/clean does with an empty body.</summary>
public sealed record CleaningOptions
{
    public const int MaxReportExamples = 100;

    /// <summary>Unicode form applied to every field and message (default NFC; see <see cref="UnicodeNormalization"/>).</summary>
    public UnicodeNormalization Unicode { get; init; } = UnicodeNormalization.Nfc;

    /// <summary>Trim each field's ends. The seam between prompt and completion is reduced to one character, never removed (see <see cref="FieldNormalizer"/>).</summary>
    public bool TrimWhitespace { get; init; } = true;

    /// <summary>Runs of spaces and tabs become one space, CRLF becomes LF, spaces before a line break go; line breaks and indentation stay.</summary>
    public bool CollapseWhitespace { get; init; } = true;

    /// <summary>Drop records whose completion (or, for prompt/completion and chat records, prompt or any message) is empty after normalisation.</summary>
    public bool DropEmpty { get; init; } = true;

    /// <summary>Drop records identical to an earlier one (after normalisation), keeping the first.</summary>
    public bool DropDuplicates { get; init; } = true;

    /// <summary>Drop records equal to an earlier one ignoring case, whitespace and punctuation, keeping the first.</summary>
    public bool DropNormalizedDuplicates { get; init; } = true;

    /// <summary>
    /// Drop every member of a conflict group (same normalised prompt, different completions). Off by default:
    /// several answers to one prompt are normal for generation tasks; conflicts are always reported.
    /// </summary>
    public bool DropConflicts { get; init; }

    /// <summary>What to do with examples over the token limit (default: truncate the prompt's start).</summary>
    public LongExampleAction LongExamples { get; init; } = LongExampleAction.Truncate;

    /// <summary>How many removed or changed records each rule shows in the report (0 to <see cref="MaxReportExamples"/>).</summary>
    public int ReportExamples { get; init; } = 5;
}
