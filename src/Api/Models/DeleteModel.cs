using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Models;

/// <summary>
/// DELETE /v1/models/{id}: the caller's fine-tuned models, and (admins) imported models. Built-in models and those
/// of Tuning:ModelsPath are managed on disk, not here. A model that an unfinished job starts from is kept (409).
/// </summary>
public static class DeleteModel
{
    public static async Task<ModelDeletedResponse> Handle(string model, HttpContext http, TuningDbContext db, ModelCatalog catalog,
        ImportedModels imported, ArtifactMirror mirror, DataPaths paths, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var found = await catalog.FindAsync(db, model, caller.Owner, ct)
            ?? throw new ApiException(404, $"The model '{model}' does not exist or you do not have access to it.", "model", "model_not_found");
        switch (found.Origin)
        {
            case ModelOrigin.BuiltIn:
                throw new ApiException(403, $"'{found.Id}' is a built-in model shipped with the service; it cannot be deleted.", "model", "model_not_deletable");
            case ModelOrigin.ModelsPath:
                throw new ApiException(403, $"'{found.Id}' comes from the Tuning:ModelsPath folder; remove it there, not over the API.", "model", "model_not_deletable");
            case ModelOrigin.Imported:
                caller.RequireAdmin("delete imported models");
                break;
        }
        var users = await UnfinishedJobs.StartingFromModelAsync(db, found.Id, ct);
        if (users.Count > 0)
            throw new ApiException(409,
                $"The model '{found.Id}' (or one of its checkpoints) is the starting point of {(users.Count == 1 ? "a job" : $"{users.Count} jobs")} " +
                $"that {(users.Count == 1 ? "has" : "have")} not finished: {UnfinishedJobs.Describe(users)}. Cancel {(users.Count == 1 ? "it" : "them")} " +
                "(POST /v1/fine_tuning/jobs/{id}/cancel) or wait until they finish, then delete the model.", "model", "model_in_use");

        if (found.Origin == ModelOrigin.Imported)
        {
            // The rows first: the model leaves every machine's catalog at once and its name is free again; a crash
            // before the files go leaves objects no row names, never a listed model without files.
            await db.ModelImports.Where(i => i.Name == found.Id && i.Status == ModelImportStatus.Succeeded)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ModelImportStatus.Deleted), ct);
            await imported.DeleteAsync(found.Id, CancellationToken.None);
        }
        else
        {
            await db.FineTunedModels.Where(m => m.Id == found.Id && m.Owner == caller.Owner).ExecuteDeleteAsync(ct);
            // The model's folder is its job's final checkpoint; its files go with it (the checkpoint's metrics stay).
            if (Directory.Exists(found.Directory)) Directory.Delete(found.Directory, recursive: true);
            await mirror.DeleteAsync(Path.GetRelativePath(paths.Root, found.Directory), CancellationToken.None);
        }
        return new ModelDeletedResponse(found.Id, true);
    }
}
