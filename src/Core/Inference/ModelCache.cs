using Microsoft.Extensions.Logging;
using TorchSharp;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Observability;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Inference;

/// <summary>
/// Models loaded for inference, bounded by <see cref="TuningOptions.ModelCacheBytes"/> and evicted least recently
/// used. A request holds a lease while it generates; an evicted model is disposed when its last lease ends. A model
/// larger than the whole budget is still served (alone) rather than refused.
/// </summary>
public sealed class ModelCache(TuningOptions options, ILogger<ModelCache> logger) : IDisposable
{
    sealed class Entry(LoadedInferenceModel model, long bytes)
    {
        public LoadedInferenceModel Model { get; } = model;
        public long Bytes { get; } = bytes;
        public long LastUsed;
        public int Leases;
        public bool Evicted;
    }

    readonly Lock gate = new();
    readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    readonly Dictionary<string, Lazy<Entry>> loading = new(StringComparer.Ordinal);
    long clock;

    public async Task<ModelLease> AcquireAsync(CatalogModel catalogModel, CancellationToken ct)
    {
        // The key includes the folder: a deleted and re-created model id must not hit a stale entry.
        var key = $"{catalogModel.Id}\n{catalogModel.Directory}";
        Lazy<Entry> load;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var hit))
            {
                hit.Leases++;
                hit.LastUsed = ++clock;
                TuningMetrics.ModelCacheHits.Add(1);
                return new ModelLease(hit.Model, () => Release(hit));
            }
            TuningMetrics.ModelCacheMisses.Add(1);
            if (!loading.TryGetValue(key, out load!))
            {
                load = new Lazy<Entry>(() => Load(catalogModel), LazyThreadSafetyMode.ExecutionAndPublication);
                loading[key] = load;
            }
        }
        Entry entry;
        try
        {
            // Not cancellable: a load abandoned half-way would leave a model in memory that nothing tracks.
            entry = await Task.Run(() => load.Value, CancellationToken.None);
        }
        catch
        {
            lock (gate) loading.Remove(key);
            throw;
        }
        lock (gate)
        {
            // Moved from "loading" to "loaded" in one step, so a request in between finds one or the other.
            entries[key] = entry;
            TuningMetrics.ModelCacheBytes.Add(entry.Bytes);
            loading.Remove(key);
            entry.Leases++;
            entry.LastUsed = ++clock;
            EvictOverBudget(keep: entry);
            return new ModelLease(entry.Model, () => Release(entry));
        }
    }

    public IReadOnlyList<string> LoadedModelIds()
    {
        lock (gate) return [.. entries.Values.Select(e => e.Model.Id)];
    }

    Entry Load(CatalogModel m)
    {
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        var loaded = PretrainedModelLoader.Load(m.Directory, device);
        try
        {
            var tokenizer = TokenizerLoader.FromModelFolder(m.Directory);
            logger.LogInformation("Loaded {Model} for inference ({Bytes:N0} bytes on {Device})", m.Id, loaded.ParameterBytes, device.type);
            return new Entry(new LoadedInferenceModel(m.Id, m.Directory, loaded, tokenizer), loaded.ParameterBytes);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    void EvictOverBudget(Entry keep)
    {
        var total = entries.Values.Sum(e => e.Bytes);
        foreach (var (key, victim) in entries.Where(e => e.Value != keep).OrderBy(e => e.Value.LastUsed).ToList())
        {
            if (total <= options.ModelCacheBytes) break;
            entries.Remove(key);
            total -= victim.Bytes;
            victim.Evicted = true;
            TuningMetrics.ModelCacheBytes.Add(-victim.Bytes);
            TuningMetrics.ModelCacheEvictions.Add(1);
            logger.LogInformation("Evicted {Model} from the inference cache", victim.Model.Id);
            if (victim.Leases == 0) victim.Model.Dispose();
        }
    }

    void Release(Entry entry)
    {
        lock (gate)
        {
            entry.Leases--;
            if (entry.Evicted && entry.Leases == 0) entry.Model.Dispose();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var e in entries.Values)
            {
                e.Model.Dispose();
                TuningMetrics.ModelCacheBytes.Add(-e.Bytes);
            }
            entries.Clear();
        }
    }
}
