using Microsoft.Extensions.Logging;
using TorchSharp;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Observability;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Inference;

/// <summary>
/// Models loaded for inference, bounded by <see cref="TuningOptions.ModelCacheBytes"/> and evicted least recently
/// used. A request holds a lease while it generates; an evicted model is disposed when its last lease ends. A model
/// larger than the whole budget is still served (alone) rather than refused.
/// <para>
/// A LoRA fine-tune (a folder with an <see cref="CatalogModel.AdapterFolderName"/> sub-folder) whose starting model
/// is available is served as its adapter beside one shared copy of that model: bases and adapters are cached under
/// their own keys and their bytes counted apart, so 20 fine-tunes of one base cost the base plus 20 adapters. A lease
/// on an adapter holds its base; eviction is LRU over adapters and bases together, where using an adapter counts as
/// using its base; a leased adapter stays, and so does its base. A base goes with its adapters. A fine-tune whose
/// adapter is missing or cannot be put on its base is served from its merged folder, as before.
/// </para>
/// </summary>
public sealed class ModelCache(TuningOptions options, ILogger<ModelCache> logger) : IDisposable
{
    sealed class BaseEntry(LoadedInferenceModel model, long bytes)
    {
        public LoadedInferenceModel Model { get; } = model;
        public long Bytes { get; } = bytes;
        public long LastUsed;
        /// <summary>Leases of the base itself, plus one for each lease on one of its adapters, plus adapter loads in flight.</summary>
        public int Leases;
        public bool Evicted;
        public List<AdapterEntry> Adapters { get; } = [];
    }

    sealed class AdapterEntry(BaseEntry owner, LoadedInferenceModel model, long bytes)
    {
        public BaseEntry Owner { get; } = owner;
        public LoadedInferenceModel Model { get; } = model;
        public long Bytes { get; } = bytes;
        public long LastUsed;
        public int Leases;
        public bool Evicted;
    }

    /// <summary>How a catalog model would be served as an adapter: its PEFT folder and the model it goes on.</summary>
    sealed record AdapterSource(string Folder, CatalogModel Base);

    readonly Lock gate = new();
    readonly Dictionary<string, BaseEntry> bases = new(StringComparer.Ordinal);
    readonly Dictionary<string, AdapterEntry> adapters = new(StringComparer.Ordinal);
    readonly Dictionary<string, Lazy<BaseEntry>> loadingBases = new(StringComparer.Ordinal);
    readonly Dictionary<string, Lazy<Task<AdapterEntry>>> loadingAdapters = new(StringComparer.Ordinal);
    long clock;
    long adapterLoads;

    public async Task<ModelLease> AcquireAsync(CatalogModel catalogModel, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(catalogModel);
        lock (gate)
        {
            // Loaded already, as an adapter or whole (a merged fallback, or a fine-tune loaded as the base of its own
            // fine-tunes: the same model either way): no need to decide again, nor to log it again.
            // The budget may have been left exceeded while everything was leased: a hit evicts too.
            var key = Key(catalogModel);
            if (adapters.TryGetValue(key, out var adapterHit))
            {
                var lease = LeaseAdapter(adapterHit);
                EvictOverBudget(keepBase: adapterHit.Owner, keepAdapter: adapterHit);
                return lease;
            }
            if (bases.TryGetValue(key, out var baseHit))
            {
                baseHit.Leases++;
                baseHit.LastUsed = ++clock;
                EvictOverBudget(keepBase: baseHit, keepAdapter: null);
                return new ModelLease(baseHit.Model, () => ReleaseBase(baseHit));
            }
        }
        if (AdapterSourceOf(catalogModel) is { } source)
        {
            try
            {
                return await AcquireAdapterAsync(catalogModel, source, ct);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException
                                          or InvalidOperationException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                // The merged folder holds the same model: serving it costs memory, not correctness.
                logger.LogWarning(e, "Serving {Model} from its merged folder: its adapter could not be put on {Base}", catalogModel.Id, source.Base.Id);
            }
        }
        var entry = await AcquireBaseEntryAsync(catalogModel);
        lock (gate) EvictOverBudget(keepBase: entry, keepAdapter: null);
        return new ModelLease(entry.Model, () => ReleaseBase(entry));
    }

    /// <summary>The ids of the models loaded: bases and adapters alike.</summary>
    public IReadOnlyList<string> LoadedModelIds()
    {
        lock (gate) return [.. bases.Values.Select(e => e.Model.Id), .. adapters.Values.Select(e => e.Model.Id)];
    }

    /// <summary>What the cache holds now, for the log, the tests and the benchmark.</summary>
    public IReadOnlyList<CachedModel> Snapshot()
    {
        lock (gate)
        {
            return
            [
                .. bases.Values.Select(e => new CachedModel(e.Model.Id, BaseModelId: null, e.Bytes, e.Leases - e.Adapters.Sum(a => a.Leases))),
                .. adapters.Values.Select(e => new CachedModel(e.Model.Id, e.Owner.Model.Id, e.Bytes, e.Leases)),
            ];
        }
    }

    /// <summary>
    /// The adapter folder and the model it applies to, or null to serve the model's folder whole: a base model, a
    /// full fine-tune, or a LoRA fine-tune whose adapter or starting model is gone (then said in the log).
    /// </summary>
    AdapterSource? AdapterSourceOf(CatalogModel m)
    {
        var hasAdapter = File.Exists(Path.Combine(m.AdapterDirectory, PeftAdapterFormat.ConfigFile));
        if (m.StartingModel is not { } start)
        {
            if (hasAdapter)
                logger.LogInformation("Serving {Model} from its merged folder: the model its adapter was trained on is not available", m.Id);
            return null;
        }
        if (!hasAdapter)
        {
            logger.LogDebug("Serving {Model} from its folder: it has no adapter folder (a full fine-tune, or a LoRA fine-tune whose adapter was removed)", m.Id);
            return null;
        }
        if (!File.Exists(Path.Combine(start.Directory, PretrainedModelLoader.ConfigFile)))
        {
            logger.LogInformation("Serving {Model} from its merged folder: its base {Base} has no model folder here", m.Id, start.Id);
            return null;
        }
        return new AdapterSource(m.AdapterDirectory, start);
    }

    async Task<ModelLease> AcquireAdapterAsync(CatalogModel m, AdapterSource source, CancellationToken ct)
    {
        var key = Key(m);
        while (true)
        {
            Lazy<Task<AdapterEntry>> load;
            lock (gate)
            {
                if (adapters.TryGetValue(key, out var hit))
                {
                    TuningMetrics.ModelCacheHits.Add(1);
                    var lease = LeaseAdapter(hit);
                    EvictOverBudget(keepBase: hit.Owner, keepAdapter: hit);
                    return lease;
                }
                if (!loadingAdapters.TryGetValue(key, out load!))
                {
                    TuningMetrics.ModelCacheMisses.Add(1);
                    load = new Lazy<Task<AdapterEntry>>(() => Task.Run(() => LoadAdapterAsync(key, m, source), CancellationToken.None),
                        LazyThreadSafetyMode.ExecutionAndPublication);
                    loadingAdapters[key] = load;
                }
            }
            // The load itself is not cancelled (it registers its adapter whether or not anyone still waits), only the wait.
            var entry = await load.Value.WaitAsync(ct);
            lock (gate)
            {
                if (!entry.Evicted)
                {
                    var lease = LeaseAdapter(entry);
                    EvictOverBudget(keepBase: entry.Owner, keepAdapter: entry);
                    return lease;
                }
            }
            // Evicted between its load and this request's lease (its base, or it, was taken meanwhile): load it again.
        }
    }

    /// <summary>
    /// Loads the base (or finds it loaded), puts the adapter on it under the base's lock and registers it. The base
    /// stays leased until then, so it cannot be disposed under the new adapter.
    /// </summary>
    async Task<AdapterEntry> LoadAdapterAsync(string key, CatalogModel m, AdapterSource source)
    {
        BaseEntry owner;
        try
        {
            owner = await AcquireBaseEntryAsync(source.Base);
        }
        catch
        {
            lock (gate) loadingAdapters.Remove(key);
            throw;
        }
        AdapterEntry entry;
        try
        {
            var tokenizer = TokenizerLoader.FromModelFolder(m.Directory);
            var name = $"{m.Id}#{Interlocked.Increment(ref adapterLoads)}"; // unique: an evicted copy may still be finishing a request
            long bytes;
            await owner.Model.Lock.WaitAsync(CancellationToken.None);
            try
            {
                bytes = owner.Model.Adapters.Add(name, source.Folder);
            }
            finally
            {
                owner.Model.Lock.Release();
            }
            logger.LogInformation("Loaded {Model} for inference as an adapter on {Base} ({Bytes:N0} bytes)", m.Id, source.Base.Id, bytes);
            entry = new AdapterEntry(owner, LoadedInferenceModel.ForAdapter(m.Id, m.Directory, owner.Model, name, tokenizer), bytes);
        }
        catch
        {
            lock (gate)
            {
                loadingAdapters.Remove(key);
                ReleaseBaseLocked(owner);
            }
            throw;
        }
        lock (gate)
        {
            // Moved from "loading" to "loaded" in one step, so a request in between finds one or the other.
            loadingAdapters.Remove(key);
            Register(key, entry);
        }
        return entry;
    }

    /// <summary>Makes a loaded adapter findable and hands its load's lease on the base back. Under <see cref="gate"/>.</summary>
    void Register(string key, AdapterEntry entry)
    {
        var owner = entry.Owner;
        if (owner.Evicted)
        {
            // The base was evicted while the adapter loaded: the adapter goes with it.
            entry.Evicted = true;
            owner.Model.Adapters.Remove(entry.Model.AdapterName!);
        }
        else
        {
            adapters[key] = entry;
            TuningMetrics.ModelCacheBytes.Add(entry.Bytes);
            owner.Adapters.Add(entry);
            entry.LastUsed = owner.LastUsed = ++clock;
        }
        ReleaseBaseLocked(owner);
    }

    ModelLease LeaseAdapter(AdapterEntry entry)
    {
        entry.Leases++;
        entry.Owner.Leases++;
        entry.LastUsed = entry.Owner.LastUsed = ++clock;
        return new ModelLease(entry.Model, () => ReleaseAdapter(entry));
    }

    /// <summary>The model's own entry, loaded if need be, with a lease taken on it.</summary>
    async Task<BaseEntry> AcquireBaseEntryAsync(CatalogModel catalogModel)
    {
        // The key includes the folder: a deleted and re-created model id must not hit a stale entry.
        var key = Key(catalogModel);
        Lazy<BaseEntry> load;
        lock (gate)
        {
            if (bases.TryGetValue(key, out var hit))
            {
                hit.Leases++;
                hit.LastUsed = ++clock;
                TuningMetrics.ModelCacheHits.Add(1);
                return hit;
            }
            TuningMetrics.ModelCacheMisses.Add(1);
            if (!loadingBases.TryGetValue(key, out load!))
            {
                load = new Lazy<BaseEntry>(() => Load(catalogModel), LazyThreadSafetyMode.ExecutionAndPublication);
                loadingBases[key] = load;
            }
        }
        BaseEntry entry;
        try
        {
            // Not cancellable: a load abandoned half-way would leave a model in memory that nothing tracks.
            entry = await Task.Run(() => load.Value, CancellationToken.None);
        }
        catch
        {
            lock (gate) loadingBases.Remove(key);
            throw;
        }
        lock (gate)
        {
            // Moved from "loading" to "loaded" in one step, so a request in between finds one or the other.
            bases[key] = entry;
            TuningMetrics.ModelCacheBytes.Add(entry.Bytes);
            loadingBases.Remove(key);
            entry.Leases++;
            entry.LastUsed = ++clock;
            return entry;
        }
    }

    static string Key(CatalogModel m) => $"{m.Id}\n{m.Directory}";

    BaseEntry Load(CatalogModel m)
    {
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        var loaded = PretrainedModelLoader.Load(m.Directory, device);
        try
        {
            var tokenizer = TokenizerLoader.FromModelFolder(m.Directory);
            logger.LogInformation("Loaded {Model} for inference ({Bytes:N0} bytes on {Device})", m.Id, loaded.ParameterBytes, device.type);
            return new BaseEntry(new LoadedInferenceModel(m.Id, m.Directory, loaded, tokenizer), loaded.ParameterBytes);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Evicts least recently used adapters and bases until the budget holds. A base counts as used whenever one of
    /// its adapters is, so its adapters go before it; a base with a leased adapter stays, and a base that goes takes
    /// its adapters with it. A leased adapter stays too: evicting it would free nothing until its request ends, and a
    /// request for it meanwhile would load a second copy.
    /// </summary>
    void EvictOverBudget(BaseEntry keepBase, AdapterEntry? keepAdapter)
    {
        var total = bases.Values.Sum(e => e.Bytes) + adapters.Values.Sum(e => e.Bytes);
        if (total <= options.ModelCacheBytes) return;
        var candidates = adapters.Values.Where(a => a != keepAdapter && a.Leases == 0).Select(a => (a.LastUsed, Adapter: (AdapterEntry?)a, Base: (BaseEntry?)null))
            .Concat(bases.Values.Where(b => b != keepBase && b.Adapters.All(a => a.Leases == 0)).Select(b => (b.LastUsed, Adapter: (AdapterEntry?)null, Base: (BaseEntry?)b)))
            .OrderBy(c => c.LastUsed).ToList();
        foreach (var (_, adapter, baseEntry) in candidates)
        {
            if (total <= options.ModelCacheBytes) break;
            if (adapter is not null && !adapter.Evicted)
                total -= EvictAdapter(adapter);
            else if (baseEntry is not null && !baseEntry.Evicted)
            {
                foreach (var own in baseEntry.Adapters.ToList())
                    total -= EvictAdapter(own);
                bases.Remove(bases.First(e => e.Value == baseEntry).Key);
                baseEntry.Evicted = true;
                total -= baseEntry.Bytes;
                TuningMetrics.ModelCacheBytes.Add(-baseEntry.Bytes);
                TuningMetrics.ModelCacheEvictions.Add(1);
                logger.LogInformation("Evicted {Model} from the inference cache", baseEntry.Model.Id);
                if (baseEntry.Leases == 0) baseEntry.Model.Dispose();
            }
        }
    }

    /// <summary>Takes an adapter out of the cache (only unleased ones are chosen) and frees its matrices. Returns its bytes.</summary>
    long EvictAdapter(AdapterEntry adapter)
    {
        adapters.Remove(adapters.First(e => e.Value == adapter).Key);
        adapter.Evicted = true;
        TuningMetrics.ModelCacheBytes.Add(-adapter.Bytes);
        TuningMetrics.ModelCacheEvictions.Add(1);
        logger.LogInformation("Evicted adapter {Model} (on {Base}) from the inference cache", adapter.Model.Id, adapter.Owner.Model.Id);
        if (adapter.Leases == 0) Unload(adapter);
        return adapter.Bytes;
    }

    /// <summary>Frees an evicted, unleased adapter's matrices. Safe beside a forward on the base: that forward uses another adapter or none.</summary>
    static void Unload(AdapterEntry adapter)
    {
        adapter.Owner.Adapters.Remove(adapter);
        adapter.Owner.Model.Adapters.Remove(adapter.Model.AdapterName!);
    }

    void ReleaseAdapter(AdapterEntry entry)
    {
        lock (gate)
        {
            entry.Leases--;
            if (entry.Evicted && entry.Leases == 0) Unload(entry);
            ReleaseBaseLocked(entry.Owner);
        }
    }

    void ReleaseBase(BaseEntry entry)
    {
        lock (gate) ReleaseBaseLocked(entry);
    }

    void ReleaseBaseLocked(BaseEntry entry)
    {
        entry.Leases--;
        if (entry.Evicted && entry.Leases == 0) entry.Model.Dispose();
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var e in bases.Values)
            {
                e.Model.Dispose();
                TuningMetrics.ModelCacheBytes.Add(-e.Bytes);
            }
            foreach (var a in adapters.Values) TuningMetrics.ModelCacheBytes.Add(-a.Bytes);
            bases.Clear();
            adapters.Clear();
        }
    }
}
