using Microsoft.EntityFrameworkCore;
using TuningService.Core.Configuration;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Core.Catalog;

/// <summary>
/// Every model a job can start from: the built-in models (the `models/` folder shipped beside the application),
/// the sub-folders of `Tuning:ModelsPath`, the models imported over the API (`{DataDir}/models`), and the caller's
/// fine-tuned models (from the database). A base model's id is its folder name; the first root that has it wins.
/// <para>
/// Imported and fine-tuned models are known from the database, not from this machine's disk: with an artifact store
/// (Tuning:Storage:Kind=s3) a model imported or trained through another machine is listed and found here too, and its
/// folder is fetched only by <see cref="EnsureLocalAsync"/>, when something is about to read its files.
/// </para>
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
        return [.. await SharedBaseModelsAsync(db, null, ct), .. fineTuned.Select(FromFineTuned)];
    }

    /// <summary>The model with this id that <paramref name="owner"/> may use (base, fine-tuned or checkpoint), or null.</summary>
    public async Task<CatalogModel?> FindAsync(TuningDbContext db, string id, string owner, CancellationToken ct)
    {
        var found = await FindWithoutStartAsync(db, id, owner, ct);
        if (found?.JobId is not { } jobId) return found;
        // The model the job trained from: a LoRA fine-tune is served as its adapter on that model (see ModelCache).
        var start = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.Model).FirstOrDefaultAsync(ct);
        return start is null || start == id ? found : found with { StartingModel = await FindWithoutStartAsync(db, start, owner, ct) };
    }

    async Task<CatalogModel?> FindWithoutStartAsync(TuningDbContext db, string id, string owner, CancellationToken ct)
    {
        var builtIn = (await SharedBaseModelsAsync(db, id, ct)).FirstOrDefault(m => m.Id == id);
        if (builtIn is not null) return builtIn;
        var m = await db.FineTunedModels.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.Owner == owner, ct);
        if (m is not null) return FromFineTuned(m);
        // A checkpoint id (ft:...:ckpt-step-N) names the model as it was at that step.
        var checkpoint = await (from c in db.Checkpoints.AsNoTracking()
                                join j in db.Jobs.AsNoTracking() on c.JobId equals j.Id
                                where c.FineTunedModelCheckpoint == id && j.Owner == owner
                                select new { c.RelativePath, c.CreatedAt, c.JobId, j.Model }).FirstOrDefaultAsync(ct);
        if (checkpoint is null) return null;
        var root = BaseModels().Any(b => b.Id == checkpoint.Model) ? checkpoint.Model
            : (await db.FineTunedModels.AsNoTracking().Where(x => x.Id == checkpoint.Model).Select(x => x.BaseModel).FirstOrDefaultAsync(ct)) ?? checkpoint.Model;
        return new CatalogModel(id, paths.Resolve(checkpoint.RelativePath), checkpoint.CreatedAt, owner, root, checkpoint.JobId);
    }

    /// <summary>
    /// The base models as every machine sees them. Without an artifact store: this machine's folders
    /// (<see cref="BaseModels"/>). With one, imported models are those the database records as imported and not
    /// deleted since, whether this machine has their folder or not (imported through another machine, or evicted from
    /// the local cache: their files are in the store under <c>models/{id}</c>), and a folder left here of a model
    /// deleted through another machine is not one. <paramref name="id"/>: only that model, or null for all.
    /// </summary>
    async Task<IReadOnlyList<CatalogModel>> SharedBaseModelsAsync(TuningDbContext db, string? id, CancellationToken ct)
    {
        var local = BaseModels();
        if (!mirror.IsActive) return local;
        // ModelImportStatus.Succeeded (Imports builds on the catalog, so the constant cannot be named here).
        var query = db.ModelImports.AsNoTracking().Where(i => i.Status == "succeeded");
        if (id is not null) query = query.Where(i => i.Name == id);
        var rows = await query.OrderBy(i => i.CreatedAt).Select(i => new { i.Name, i.CreatedAt }).ToListAsync(ct);
        var imported = rows.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var shared = local.Where(m => m.Origin != ModelOrigin.Imported || imported.Contains(m.Id)).ToList();
        var known = local.Select(m => m.Id).ToHashSet(StringComparer.Ordinal); // a built-in model shadows an import of its name
        shared.AddRange(rows.Where(r => known.Add(r.Name) && r.Name == Path.GetFileName(r.Name) && !r.Name.StartsWith('.'))
            .Select(r => new CatalogModel(r.Name, Path.Combine(paths.ImportedModels, r.Name), r.CreatedAt, "system", BaseModel: null, JobId: null)
                { Origin = ModelOrigin.Imported }));
        return shared;
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

    /// <summary>Fetches the folder of an imported or fine-tuned model, or a checkpoint, from the artifact store when this machine lacks it.</summary>
    public Task EnsureLocalAsync(CatalogModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Built-in and Tuning:ModelsPath models ship beside every process, never in the store.
        if (model.Origin is ModelOrigin.BuiltIn or ModelOrigin.ModelsPath) return Task.CompletedTask;
        return mirror.EnsureLocalFolderAsync(Path.GetRelativePath(paths.Root, model.Directory), ct);
    }

    /// <summary>
    /// <see cref="EnsureLocalAsync"/> under a cache lease: the model's folder stays on this machine, whatever
    /// Tuning:LocalCacheBytes says, until the lease is disposed (while a job trains from it or a request loads it).
    /// Built-in and Tuning:ModelsPath models are not the cache's: their lease holds nothing.
    /// </summary>
    public async Task<CacheLease> LeaseLocalAsync(CatalogModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lease = model.Origin is ModelOrigin.BuiltIn or ModelOrigin.ModelsPath
            ? new CacheLease(() => { })
            : mirror.Cache.Lease(Path.GetRelativePath(paths.Root, model.Directory));
        try
        {
            await EnsureLocalAsync(model, ct);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    CatalogModel FromFineTuned(FineTunedModel m) =>
        new(m.Id, paths.Resolve(m.RelativePath), m.CreatedAt, m.Owner, m.BaseModel, m.JobId) { Origin = ModelOrigin.FineTuned };
}
