namespace TuningService.Api.Files;

/// <summary>The body of POST /v1/files/{file_id}/clean; every option may be left out (the defaults are shown).</summary>
public sealed class CleanFileRequest
{
    /// <summary>"nfc" (default: composes accents, never changes meaning), "nfkc" (also folds look-alikes such as "ﬁ" or full-width letters) or "none".</summary>
    /// <example>nfc</example>
    public string? UnicodeNormalization { get; set; }
    /// <summary>Trim each field (default true). The whitespace between prompt and completion (" positive") is reduced to one character, never removed.</summary>
    public bool? TrimWhitespace { get; set; }
    /// <summary>Collapse runs of spaces and tabs to one space, CRLF to LF (default true); line breaks and indentation stay.</summary>
    public bool? CollapseWhitespace { get; set; }
    /// <summary>Drop records with an empty prompt, completion or message after normalisation (default true).</summary>
    public bool? DropEmpty { get; set; }
    /// <summary>Drop exact duplicates, keeping the first (default true).</summary>
    public bool? DropDuplicates { get; set; }
    /// <summary>Drop duplicates that differ only in case, whitespace or punctuation, keeping the first (default true).</summary>
    public bool? DropNormalizedDuplicates { get; set; }
    /// <summary>Drop every record of a conflict group: same prompt (ignoring case, whitespace, punctuation), different completions (default false; conflicts are always reported).</summary>
    public bool? DropConflicts { get; set; }
    /// <summary>The model whose tokens examples are counted in (default babyllama-tinystories).</summary>
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }
    /// <summary>The token limit (default: the model's context); BOS, EOS and the encoder/decoder split counted as training frames examples.</summary>
    public int? MaxTokens { get; set; }
    /// <summary>Examples over the limit: "truncate" (default: cut the prompt's start, a chat's oldest turns; drop when the completion alone does not fit), "drop" or "keep".</summary>
    /// <example>truncate</example>
    public string? LongExamples { get; set; }
    /// <summary>How many matched records each rule shows in the report (default 5, at most 100).</summary>
    public int? ReportExamples { get; set; }
}
