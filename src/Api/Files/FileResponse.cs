using TuningService.Core.Files;

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

/// <summary>Describes the multipart form for Swagger UI; the endpoint itself streams the body.</summary>
public sealed class UploadFileForm
{
    /// <summary>A JSONL file of {"prompt","completion"} or {"messages": [...]} records.</summary>
    public required IFormFile File { get; init; }
    /// <summary>Must be "fine-tune".</summary>
    public required string Purpose { get; init; }
}
