using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Core.Imports;

/// <summary>
/// The folder of imported models ({DataDir}/models): which names are allowed, staging folders beside it, and the
/// atomic install (a rename) and removal of a model folder. An installed model is pushed to the artifact store before
/// its import is recorded as succeeded, so that other machines fetch it (<see cref="ModelCatalog.FindAsync"/>).
/// </summary>
public sealed partial class ImportedModels(DataPaths paths, ModelCatalog catalog, ArtifactMirror mirror)
{
    public const int MaxNameLength = 64;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NameCharacters();

    /// <summary>Why <paramref name="name"/> cannot be a model id, or null when it can.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "name is required: the id the imported model will have.";
        if (name.Length > MaxNameLength) return $"name may be at most {MaxNameLength} characters, got {name.Length}.";
        if (!NameCharacters().IsMatch(name)) return $"name '{name}' may only contain letters, digits, '.', '_' and '-'.";
        // "." and ".." would name the models folder itself or its parent.
        if (name.StartsWith('.')) return $"name '{name}' may not start with '.'.";
        return null;
    }

    /// <summary>
    /// True when a model with this id exists, or an unfinished import will create one. With an artifact store it is
    /// asked of the database, not only of this machine's folder: an import that succeeded through another machine (and
    /// was not deleted since) holds its name. Without one the folder says it, as it always did (rows of models deleted
    /// before deletions were recorded still say "succeeded").
    /// </summary>
    public async Task<bool> IsTakenAsync(TuningDbContext db, string name, CancellationToken ct) =>
        catalog.BaseModels().Any(m => m.Id == name)
        || await db.ModelImports.AnyAsync(i => i.Name == name && i.Status != ModelImportStatus.Failed && i.Status != ModelImportStatus.Deleted
                                               && (i.Status != ModelImportStatus.Succeeded || mirror.IsActive), ct);

    // Claims made by this process wait for each other here; with PostgreSQL, claims from other processes and machines
    // also wait on an advisory lock of the name (embedded SQLite has one process).
    static readonly SemaphoreSlim ClaimGate = new(1, 1);

    /// <summary>
    /// Records <paramref name="import"/> (an unfinished import: it holds its name from now on) unless its name is taken,
    /// as one step across every API process: the check and the insert run under a lock of the name (PostgreSQL: an
    /// advisory transaction lock; this process: a semaphore), so two imports of one name, on two machines at once, end
    /// with one row and one refusal, and only the holder ever writes under <c>models/{name}</c> in the bucket.
    /// </summary>
    /// <returns>False when the name is taken (nothing was recorded).</returns>
    public async Task<bool> TryClaimAsync(TuningDbContext db, ModelImport import, CancellationToken ct)
    {
        await ClaimGate.WaitAsync(ct);
        try
        {
            // A retrying execution strategy (PostgreSQL) allows a transaction of ours only inside it; it re-runs the
            // whole unit on a broken connection, so each try starts from a clean context.
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async c =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(c);
                if (db.Database.IsNpgsql())
                    await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({"model-import-name:" + import.Name}))", c);
                if (await IsTakenAsync(db, import.Name, c)) return false;
                db.ModelImports.Add(import);
                await db.SaveChangesAsync(c);
                await transaction.CommitAsync(c);
                return true;
            }, ct);
        }
        finally
        {
            ClaimGate.Release();
        }
    }

    /// <summary>A staging folder for one import; the same key gives the same folder, so a restarted download finds its partial files.</summary>
    public string StagingFolder(string key) => Path.Combine(paths.Temp, $"import-{key}");

    /// <summary>
    /// Moves a verified folder into place with one rename, so the catalog sees the whole model or nothing, then
    /// pushes it to the artifact store; a failed push takes the model out again. Refuses when the name was taken meanwhile.
    /// </summary>
    public async Task InstallAsync(string verifiedFolder, string name, CancellationToken ct)
    {
        Install(verifiedFolder, name);
        try
        {
            await mirror.PushFolderAsync(RelativePath(name), ct);
        }
        catch
        {
            await DeleteAsync(name, CancellationToken.None);
            throw;
        }
    }

    void Install(string verifiedFolder, string name)
    {
        var target = Path.Combine(paths.ImportedModels, name);
        Directory.CreateDirectory(paths.ImportedModels);
        if (mirror.IsActive && Directory.Exists(target))
        {
            // With an artifact store the database says which imports exist, and this import holds the name there
            // (TryClaimAsync): a folder here is a cached copy of a model deleted through another machine. Out of the way.
            var stale = Path.Combine(paths.Temp, $"deleted-{Guid.NewGuid():N}");
            Directory.Move(target, stale);
            Directory.Delete(stale, recursive: true);
            mirror.Cache.Forget(RelativePath(name));
        }
        if (catalog.BaseModels().Any(m => m.Id == name) || Directory.Exists(target))
            throw new ModelImportException($"A model named '{name}' already exists.") { NameTaken = true };
        try
        {
            Directory.Move(verifiedFolder, target);
        }
        catch (IOException e) when (Directory.Exists(target))
        {
            throw new ModelImportException($"A model named '{name}' already exists.", e) { NameTaken = true };
        }
    }

    /// <summary>
    /// Removes an imported model: renamed out of the catalog first, so it disappears at once, then deleted; then its
    /// objects in the artifact store (best effort, logged). Copies other machines fetched earlier stay in their caches, unlisted (the catalog asks the database, where DeleteModel marked the import deleted), until evicted.
    /// </summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        var folder = Path.Combine(paths.ImportedModels, name);
        if (Directory.Exists(folder)) // imported through another machine and never fetched here: only the store has it
        {
            var doomed = Path.Combine(paths.Temp, $"deleted-{Guid.NewGuid():N}");
            Directory.Move(folder, doomed);
            Directory.Delete(doomed, recursive: true);
        }
        await mirror.DeleteAsync(RelativePath(name), ct);
    }

    string RelativePath(string name) => Path.GetRelativePath(paths.Root, Path.Combine(paths.ImportedModels, name));

    /// <summary>Deletes a staging folder if it is still there; a leftover is harmless, so failures are ignored.</summary>
    public static void DiscardStaging(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { /* cleaned with the rest of tmp/ */ }
        catch (UnauthorizedAccessException) { /* idem */ }
    }
}
