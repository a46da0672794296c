namespace TuningService.Core.Persistence;

/// <summary>An uploaded file. The bytes live under the data directory at <see cref="RelativePath"/>.</summary>
public sealed class StoredFile
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public required string Filename { get; init; }
    public required string Purpose { get; init; }
    public long Bytes { get; init; }
    public long CreatedAt { get; init; }
    public required string Sha256 { get; init; }

    /// <summary>The record schema of a fine-tune file (prompt_completion, chat, alpaca; CSV/TSV rows are mapped to
    /// prompt_completion); null for result files.</summary>
    public string? Format { get; init; }

    /// <summary>How the records are laid out: jsonl, json (an array), csv or tsv; null for result files.</summary>
    public string? Container { get; init; }

    /// <summary>For CSV/TSV: the column mapping, label words and prompt template the rows are read with (JSON).</summary>
    public string? ReadOptionsJson { get; init; }

    public int RecordCount { get; init; }
    public required string RelativePath { get; init; }

    /// <summary>The file this one was made from (by cleaning or splitting); null for an upload.</summary>
    public string? ParentFileId { get; init; }

    /// <summary>How this file was made from its parent: cleaned or split; null for an upload.</summary>
    public string? Derivation { get; init; }

    /// <summary>For a split: train, validation or test.</summary>
    public string? SplitName { get; init; }

    /// <summary>What made this file: the cleaning report or the split's summary (JSON); null for an upload.</summary>
    public string? ReportJson { get; init; }
}
