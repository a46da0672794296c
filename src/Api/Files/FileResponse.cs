using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Api.Files;

/// <summary>
/// OpenAI's file object, plus what validation learned (format, container, record count, sha256) and, for a file made
/// by cleaning or splitting, where it came from.
/// </summary>
public sealed record FileResponse(string Id, long Bytes, long CreatedAt, string Filename, string Purpose, string? Format,
    string? Container, int RecordCount, string Sha256, string? ParentFileId, string? Derivation, string? Split)
{
    public string Object => "file";
    public string Status => "processed";

    public static FileResponse From(StoredFile f) => new(f.Id, f.Bytes, f.CreatedAt, f.Filename, f.Purpose, f.Format,
        f.Container, f.RecordCount, f.Sha256, f.ParentFileId, f.Derivation, f.SplitName);
}

public sealed record FileDeletedResponse(string Id, bool Deleted)
{
    public string Object => "file";
}

/// <summary>Describes the multipart form for Swagger UI; the endpoint itself streams the body. Send the read options
/// before the file so that they apply while it streams in (they are honoured in any order).</summary>
public sealed class UploadFileForm
{
    /// <summary>A dataset: JSON Lines or a JSON array of {"prompt","completion"}, chat {"messages": [...]}, Alpaca
    /// {"instruction","input","output"} or {"text"} records (each may carry "task" and "id"), or a CSV/TSV file with a
    /// header row. UTF-8 (a BOM and CRLF line ends are fine).</summary>
    public required IFormFile File { get; init; }
    /// <summary>Must be "fine-tune".</summary>
    [AllowedValues("fine-tune")]
    public required string Purpose { get; init; }
    /// <summary>auto (default: detected from the first bytes, the extension and the first line), prompt_completion,
    /// chat, alpaca, text or preference (every record must have that format), or jsonl, json, csv, tsv (the layout).</summary>
    [AllowedValues("auto", "prompt_completion", "chat", "alpaca", "text", "preference", "jsonl", "json", "csv", "tsv"), DefaultValue("auto")]
    public string? Format { get; init; }
    /// <summary>CSV/TSV: the prompt made from a row's columns, e.g. "Review: {sentence} Sentiment:" (default "{prompt}").</summary>
    public string? PromptTemplate { get; init; }
    /// <summary>CSV/TSV: the completion, e.g. " {label}" (default "{completion}").</summary>
    public string? CompletionTemplate { get; init; }
    /// <summary>CSV/TSV: a JSON object of label words, e.g. {"0":"negative","1":"positive"}, applied to the value of every
    /// column the completion template names before it is filled in; a value the map lacks is an error.</summary>
    public string? LabelMap { get; init; }
    /// <summary>CSV/TSV: the column that holds each row's task (multi-task data).</summary>
    public string? TaskColumn { get; init; }
    /// <summary>CSV/TSV: the column that holds each row's id.</summary>
    public string? IdColumn { get; init; }
}
