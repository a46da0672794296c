using TuningService.Core.Persistence;

namespace TuningService.Api.Models;

/// <summary>A model import: its status and, for Hub downloads, the bytes fetched so far and expected in all.</summary>
public sealed record ModelImportResponse(string Id, long CreatedAt, string Model, string Source, string? Repo, string? Revision,
    string Status, long BytesDone, long? BytesTotal, string? Error, long? FinishedAt)
{
    public string Object => "model.import";

    public static ModelImportResponse From(ModelImport i) =>
        new(i.Id, i.CreatedAt, i.Name, i.Source, i.Repo, i.Revision, i.Status, i.BytesDone, i.BytesTotal, i.Error, i.FinishedAt);
}
