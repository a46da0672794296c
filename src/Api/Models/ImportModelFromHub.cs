using System.Text.RegularExpressions;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;

namespace TuningService.Api.Models;

/// <summary>
/// The Hub half of POST /v1/models/import: checks the request, records the import as queued and hands it to the
/// import worker. Answers 202 with the import; GET /v1/models/imports/{id} follows its progress.
/// </summary>
public static partial class ImportModelFromHub
{
    const string DefaultRevision = "main";

    // Hub repo ids: "name" or "owner/name", each part letters, digits, '.', '_', '-'.
    [GeneratedRegex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?$")]
    private static partial Regex RepoId();

    // Branch, tag or commit; branches may hold '/' (refs/pr/1).
    [GeneratedRegex("^[A-Za-z0-9._/-]{1,200}$")]
    private static partial Regex RevisionName();

    public static async Task<IResult> Handle(ImportModelRequest request, Caller caller, TuningDbContext db, ImportedModels imported,
        IModelImportDispatcher dispatcher, CancellationToken ct)
    {
        if (request.Source != ModelImportSource.Hub)
            throw ApiException.BadRequest($"source must be \"{ModelImportSource.Hub}\" for a JSON import (or upload an archive as multipart/form-data), got '{request.Source}'.", "source");
        if (string.IsNullOrWhiteSpace(request.Repo) || !RepoId().IsMatch(request.Repo) || request.Repo.Split('/').Any(p => p is "." or ".."))
            throw ApiException.BadRequest($"repo must be a Hugging Face repository id like \"google/flan-t5-small\", got '{request.Repo}'.", "repo");
        var revision = string.IsNullOrEmpty(request.Revision) ? DefaultRevision : request.Revision;
        if (!RevisionName().IsMatch(revision) || revision.Split('/').Any(p => p is "" or "." or ".."))
            throw ApiException.BadRequest($"revision must be a branch, tag or commit, got '{revision}'.", "revision");
        var name = request.Name ?? request.Repo[(request.Repo.LastIndexOf('/') + 1)..];
        await ImportName.RequireFreeAsync(name, imported, db, ct);

        var import = new ModelImport
        {
            Id = Ids.New("modelimport"), Owner = caller.Owner, CreatedAt = Clock.Now(), Name = name,
            Source = ModelImportSource.Hub, Repo = request.Repo, Revision = revision, Status = ModelImportStatus.Queued,
        };
        await ImportName.ClaimAsync(import, imported, db, ct); // checked again, under the name's lock: another API process may have claimed it since
        dispatcher.Dispatch(import.Id);
        return Results.Accepted($"/v1/models/imports/{import.Id}", ModelImportResponse.From(import));
    }
}
