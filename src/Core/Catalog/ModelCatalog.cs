using Microsoft.EntityFrameworkCore;
using TuningService.Core.Configuration;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Core.Catalog;

/// <summary>
/// Every model a job can start from: the built-in models (the `models/` folder shipped beside the application),
/// the sub-folders of `Tuning:ModelsPath`, the models imported over the API (`{DataDir}/models`), and the caller's
/// fine-tuned models (from the database). A base model's id is its folder name; the first root that has it wins.
/// </summary>
public sealed class ModelCatalog(TuningOptions options, DataPaths paths, ArtifactMirror mirror)
{
    public static string BuiltInModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    public IReadOnlyList<CatalogModel> BaseModels()
    {
        var found = new Dictionary<string, CatalogModel>(StringComparer.Ordinal);
        var roots = new (string? Path, ModelOrigin Origin)[]
        {
            (BuiltInModelsDirectory, ModelOrigin.BuiltIn), (options.ModelsPath, ModelOrigin.ModelsPath), (paths.ImportedModels, ModelOrigin.Imported),
        };
        foreach (var (root, origin) in roots)
        {
            if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root)) continue;
            foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                if (!File.Exists(Path.Combine(dir, "config.json"))) continue;
                var id = Path.GetFileName(dir);
                var created = new DateTimeOffset(Directory.GetCreationTimeUtc(dir)).ToUnixTimeSeconds();
                found.TryAdd(id, new CatalogModel(id, dir, created, "system", BaseModel: null, JobId: null) { Origin = origin });
            }
        }
        return [.. found.Values];
    }

    public async Task<IReadOnlyList<CatalogModel>> ListAsync(TuningDbContext db, string owner, CancellationToken ct)
    {
        var fineTuned = await db.FineTunedModels.AsNoTracking().Where(m => m.Owner == owner)
            .OrderBy(m => m.CreatedAt).ToListAsync(ct);
        return [.. BaseModels(), .. fineTuned.Select(FromFineTuned)];
    }

    /// <summary>The model with this id that <paramref name="owner"/> may use (base, fine-tuned or checkpoint), or null.</summary>
    public async Task<CatalogModel?> FindAsync(TuningDbContext db, string id, string owner, CancellationToken ct)
    {
        var builtIn = BaseModels().FirstOrDefault(m => m.Id == id);
        if (builtIn is not null) return builtIn;
        var m = await db.FineTunedModels.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.Owner == owner, ct);
        if (m is not null) return FromFineTuned(m);
        // A checkpoint id (ft:...:ckpt-step-N) names the model as it was at that step.
        var checkpoint = await (from c in db.Checkpoints.AsNoTracking()
                                join j in db.Jobs.AsNoTracking() on c.JobId equals j.Id
                                where c.FineTunedModelCheckpoint == id && j.Owner == owner
                                select new { c.RelativePath, c.CreatedAt, c.JobId, j.Model }).FirstOrDefaultAsync(ct);
        if (checkpoint is null) return await FetchImportedAsync(db, id, ct);
        var root = BaseModels().Any(b => b.Id == checkpoint.Model) ? checkpoint.Model
            : (await db.FineTunedModels.AsNoTracking().Where(x => x.Id == checkpoint.Model).Select(x => x.BaseModel).FirstOrDefaultAsync(ct)) ?? checkpoint.Model;
        return new CatalogModel(id, paths.Resolve(checkpoint.RelativePath), checkpoint.CreatedAt, owner, root, checkpoint.JobId);
    }

    /// <summary>
    /// A model imported through another machine: in the artifact store under <c>models/{id}</c>, fetched into the
    /// imported models' folder (once; then it is a local one), or null when the store has none. Only an import that
    /// succeeded is fetched: a failed one's push may have left part of a model behind.
    /// </summary>
    async Task<CatalogModel?> FetchImportedAsync(TuningDbContext db, string id, CancellationToken ct)
    {
        if (!mirror.IsActive || id != Path.GetFileName(id) || id.StartsWith('.')) return null; // not a folder name: not an import
        // ModelImportStatus.Succeeded (Imports builds on the catalog, so the constant cannot be named here).
        if (!await db.ModelImports.AsNoTracking().AnyAsync(i => i.Name == id && i.Status == "succeeded", ct)) return null;
        try
        {
            await mirror.EnsureLocalFolderAsync(Path.GetRelativePath(paths.Root, Path.Combine(paths.ImportedModels, id)), ct);
        }
        catch (Exception e) when (e is ArtifactNotFoundException or ArgumentException)
        {
            return null;
        }
        return BaseModels().FirstOrDefault(m => m.Id == id);
    }

    /// <summary>
    /// As <see cref="FindAsync"/>, for a caller about to read the model's files: a fine-tuned model or checkpoint
    /// trained on another machine is fetched from the artifact store first (once; the data directory keeps it).
    /// </summary>
    public async Task<CatalogModel?> FindLocalAsync(TuningDbContext db, string id, string owner, CancellationToken ct)
    {
        var found = await FindAsync(db, id, owner, ct);
        if (found is not null) await EnsureLocalAsync(found, ct);
        return found;
    }

    /// <summary>Fetches the folder of a fine-tuned model or checkpoint from the artifact store when this machine lacks it.</summary>
    public Task EnsureLocalAsync(CatalogModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Built-in and Tuning:ModelsPath models ship beside every process; imported ones are not in the store yet.
        if (model.Origin != ModelOrigin.FineTuned) return Task.CompletedTask;
        return mirror.EnsureLocalFolderAsync(Path.GetRelativePath(paths.Root, model.Directory), ct);
    }

    CatalogModel FromFineTuned(FineTunedModel m) =>
        new(m.Id, paths.Resolve(m.RelativePath), m.CreatedAt, m.Owner, m.BaseModel, m.JobId) { Origin = ModelOrigin.FineTuned };
}
