namespace TuningService.Core.Persistence;

/// <summary>
/// One request to add a base model. An archive import is recorded once it has succeeded; a Hub import is recorded
/// first (queued) and its row is the single source of truth for its progress while a worker downloads it.
/// </summary>
public sealed class ModelImport
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public long CreatedAt { get; init; }

    /// <summary>The model id it becomes: the folder name under {DataDir}/models.</summary>
    public required string Name { get; init; }

    /// <summary>One of Imports' ModelImportSource values.</summary>
    public required string Source { get; init; }

    /// <summary>Hub imports: the repository ("google/flan-t5-small") and revision (branch, tag or commit).</summary>
    public string? Repo { get; init; }
    public string? Revision { get; init; }

    /// <summary>One of Imports' ModelImportStatus values; a new row is queued ("queued" is ModelImportStatus.Queued,
    /// which Imports owns: this data layer imports no application folder).</summary>
    public string Status { get; set; } = "queued";
    public long BytesDone { get; set; }

    /// <summary>Null until the sizes of the files are known.</summary>
    public long? BytesTotal { get; set; }

    public string? Error { get; set; }
    public long? FinishedAt { get; set; }
}
