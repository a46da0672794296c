namespace TuningService.Core.Files;

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

    /// <summary>prompt_completion or chat for fine-tune files; null for result files.</summary>
    public string? Format { get; init; }
    public int RecordCount { get; init; }
    public required string RelativePath { get; init; }
}
