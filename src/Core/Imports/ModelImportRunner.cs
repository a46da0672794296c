using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Common;
using TuningService.Core.Imports.Hub;
using TuningService.Core.Persistence;

namespace TuningService.Core.Imports;

/// <summary>
/// The background work of a Hub import, called with its id: download into a staging folder kept per import (so a
/// restarted worker resumes the partial files), load-check the folder, then install it under its name. Every
/// refusal ends the import as failed with its reason; nothing half-done is ever listed.
/// </summary>
public sealed class ModelImportRunner(IServiceScopeFactory scopes, ImportedModels imported, HubClient hub, ILogger<ModelImportRunner> logger)
{
    /// <param name="importId">The import to run.</param>
    /// <param name="shutdown">Fires when the worker stops; the import then stays unfinished and runs again later.</param>
    public async Task RunAsync(string importId, CancellationToken shutdown)
    {
        var import = await StartAsync(importId, shutdown);
        if (import is null)
        {
            logger.LogInformation("Model import {ImportId} is finished or gone; nothing to do", importId);
            return;
        }
        var staging = imported.StagingFolder(import.Id);
        try
        {
            Directory.CreateDirectory(staging);
            var progress = new ImportProgress(scopes, import.Id);
            await new HubModelDownload(hub, import.Repo!, import.Revision!, staging, progress).RunAsync(shutdown);
            await UpdateAsync(import.Id, i => i.Status = ModelImportStatus.Verifying, shutdown);
            ModelFolderCheck.Verify(staging);
            await imported.InstallAsync(staging, import.Name, CancellationToken.None); // a few seconds' push is not cut short
            await UpdateAsync(import.Id, i =>
            {
                i.Status = ModelImportStatus.Succeeded;
                i.FinishedAt = Clock.Now();
            }, CancellationToken.None);
            logger.LogInformation("Imported {Repo}@{Revision} as model {Name}", import.Repo, import.Revision, import.Name);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            logger.LogWarning("Worker shutting down during model import {ImportId}; it resumes from its partial files", importId);
            throw; // Hangfire runs it again
        }
        catch (Exception e)
        {
            var message = e is ModelImportException ? e.Message : $"The import failed: {e.Message}";
            if (e is ModelImportException) logger.LogWarning("Model import {ImportId} refused: {Reason}", importId, message);
            else logger.LogError(e, "Model import {ImportId} failed", importId);
            await UpdateAsync(import.Id, i =>
            {
                i.Status = ModelImportStatus.Failed;
                i.Error = message;
                i.FinishedAt = Clock.Now();
            }, CancellationToken.None);
            ImportedModels.DiscardStaging(staging);
        }
    }

    async Task<ModelImport?> StartAsync(string importId, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var import = await db.ModelImports.FirstOrDefaultAsync(i => i.Id == importId, ct);
        if (import is null || ModelImportStatus.IsTerminal(import.Status)) return null;
        if (import.Source == ModelImportSource.Archive)
        {
            // An archive import is finished by the API request that received the archive; unfinished here, that process
            // stopped midway. Ending it frees its name.
            import.Status = ModelImportStatus.Failed;
            import.Error = "The API process that received the archive stopped before the import finished; import the archive again.";
            import.FinishedAt = Clock.Now();
            await db.SaveChangesAsync(ct);
            return null;
        }
        import.Status = ModelImportStatus.Downloading;
        await db.SaveChangesAsync(ct);
        return import;
    }

    async Task UpdateAsync(string importId, Action<ModelImport> update, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var import = await db.ModelImports.FirstAsync(i => i.Id == importId, ct);
        update(import);
        await db.SaveChangesAsync(ct);
    }
}
