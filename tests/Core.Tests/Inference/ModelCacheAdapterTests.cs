using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Generation;
using TuningService.Core.Inference;
using TuningService.Core.Models;
using TuningService.Core.Tests.Lora;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Inference;

/// <summary>
/// LoRA fine-tunes served from the model cache as adapters beside one copy of their base: the same greedy tokens and
/// logits as their merged folders (fp32; logits to 1e-4 absolute, the bound of the API's LoRA test, since merged and
/// unmerged weights round differently), one base for several adapters, eviction of adapters and of bases, and the
/// merged folder when the adapter is gone.
/// </summary>
public sealed class ModelCacheAdapterTests : IDisposable
{
    const double Tolerance = 1e-4;
    static readonly long[] Prompt = [1, 40, 15, 27, 3, 33, 12];

    readonly TempFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    static ModelCache Cache(long bytes = 1L << 40) => new(new TuningOptions { ModelCacheBytes = bytes }, NullLogger<ModelCache>.Instance);

    /// <summary>The same folder as <paramref name="fineTune"/>, as the catalog lists a model whose starting model is unknown: served whole.</summary>
    static CatalogModel AsMerged(CatalogModel fineTune) => fineTune with { Id = fineTune.Id + ":merged", StartingModel = null };

    /// <summary>Greedy tokens after the prompt and the logits of the prompt, computed in the model's turn.</summary>
    static async Task<(IReadOnlyList<int> Tokens, Tensor Logits)> RunAsync(ModelLease lease)
    {
        var loaded = lease.Model;
        using var turn = await loaded.EnterAsync(CancellationToken.None);
        var model = (CausalLanguageModel)loaded.Model.Model;
        var output = TextGenerator.Generate(model, loaded.Tokenizer, [Prompt.Select(id => (int)id).ToList()],
            new GenerationOptions { MaxNewTokens = 24, Temperature = 0, StopTokenIds = [] });
        using var noGrad = no_grad();
        using var ids = tensor(Prompt).unsqueeze(0);
        return (output[0].TokenIds, model.call(ids).detach());
    }

    static void AssertSameModel((IReadOnlyList<int> Tokens, Tensor Logits) actual, (IReadOnlyList<int> Tokens, Tensor Logits) expected, string what)
    {
        Assert.Equal(expected.Tokens, actual.Tokens);
        var diff = LoraFixtures.MaxAbsDiff(actual.Logits, expected.Logits);
        Assert.True(diff < Tolerance, $"{what}: max |Δ| = {diff}");
    }

    [Fact]
    public async Task Two_adapters_on_one_base_used_alternately_each_give_their_merged_outputs()
    {
        var baseModel = LoraFineTunes.Base();
        var first = LoraFineTunes.Write(scratch, "ft:first", seed: 1, baseModel);
        var second = LoraFineTunes.Write(scratch, "ft:second", seed: 2, baseModel);
        var expected = new Dictionary<string, (IReadOnlyList<int>, Tensor)>();
        using (var reference = Cache())
        {
            foreach (var model in new[] { first, second, baseModel })
            {
                using var lease = await reference.AcquireAsync(model.StartingModel is null ? model : AsMerged(model), CancellationToken.None);
                Assert.Null(lease.Model.AdapterName);
                expected[model.Id] = await RunAsync(lease);
            }
        }
        Assert.NotEqual(expected[first.Id].Item1, expected[second.Id].Item1);

        using var cache = Cache();
        foreach (var model in new[] { first, second, baseModel, first, second, first })
        {
            using var lease = await cache.AcquireAsync(model, CancellationToken.None);
            Assert.Equal(model.Id, lease.Model.Id);
            AssertSameModel(await RunAsync(lease), expected[model.Id], model.Id);
        }

        var held = cache.Snapshot();
        var baseEntry = Assert.Single(held, m => m.BaseModelId is null);
        Assert.Equal(baseModel.Id, baseEntry.Id);
        Assert.Equal([first.Id, second.Id], held.Where(m => m.BaseModelId == baseModel.Id).Select(m => m.Id).Order());
        // An adapter costs its matrices alone: all-linear r 4 on this model is a small fraction of the base.
        Assert.All(held.Where(m => m.BaseModelId is not null), a => Assert.True(a.Bytes * 5 < baseEntry.Bytes, $"{a.Id}: {a.Bytes} bytes"));
    }

    [Fact]
    public async Task Adapters_are_evicted_least_recently_used_before_their_base()
    {
        var baseModel = LoraFineTunes.Base();
        var fineTunes = Enumerable.Range(1, 3).Select(i => LoraFineTunes.Write(scratch, $"ft:{i}", seed: i, baseModel)).ToList();
        long baseBytes, adapterBytes;
        using (var probe = Cache())
        {
            using (await probe.AcquireAsync(fineTunes[0], CancellationToken.None)) { }
            baseBytes = probe.Snapshot().Single(m => m.BaseModelId is null).Bytes;
            adapterBytes = probe.Snapshot().Single(m => m.BaseModelId is not null).Bytes;
        }

        using var cache = Cache(baseBytes + 2 * adapterBytes);
        foreach (var fineTune in fineTunes)
            using (await cache.AcquireAsync(fineTune, CancellationToken.None)) { }

        Assert.Equal([baseModel.Id, "ft:2", "ft:3"], cache.LoadedModelIds().Order(StringComparer.Ordinal));
        using (await cache.AcquireAsync(fineTunes[1], CancellationToken.None)) { } // ft:2 is now newer than ft:3
        using (await cache.AcquireAsync(fineTunes[0], CancellationToken.None)) { }
        Assert.Equal([baseModel.Id, "ft:1", "ft:2"], cache.LoadedModelIds().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_base_is_evicted_with_its_adapters_only_while_none_of_them_is_leased()
    {
        var baseModel = LoraFineTunes.Base();
        var fineTune = LoraFineTunes.Write(scratch, "ft:only", seed: 5, baseModel);
        var otherBase = LoraFineTunes.CopyOfBase(scratch, "other-base");
        using var cache = Cache(1); // room for nothing but the model in use

        using (var adapterLease = await cache.AcquireAsync(fineTune, CancellationToken.None))
        {
            var expected = await RunAsync(adapterLease);
            using (await cache.AcquireAsync(otherBase, CancellationToken.None))
            {
                // The leased adapter keeps its base; the other base is the one in use, so all three stay.
                Assert.Equal([baseModel.Id, fineTune.Id, otherBase.Id], cache.LoadedModelIds().Order(StringComparer.Ordinal));
            }
            AssertSameModel(await RunAsync(adapterLease), expected, "the leased adapter after the other base came and went");
        }

        using (await cache.AcquireAsync(otherBase, CancellationToken.None)) { }
        Assert.Equal([otherBase.Id], cache.LoadedModelIds());

        // Loaded again from disk, base and adapter: still the fine-tune's outputs.
        using var again = await cache.AcquireAsync(fineTune, CancellationToken.None);
        Assert.Equal(fineTune.Id, again.Model.Id);
        Assert.Equal(baseModel.Id, again.Model.BaseModelId);
        Assert.Equal([baseModel.Id, fineTune.Id], cache.LoadedModelIds().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_fine_tune_whose_adapter_folder_was_removed_is_served_from_its_merged_folder()
    {
        var baseModel = LoraFineTunes.Base();
        var fineTune = LoraFineTunes.Write(scratch, "ft:no-adapter", seed: 6, baseModel);
        using var cache = Cache();
        (IReadOnlyList<int>, Tensor) expected;
        using (var lease = await cache.AcquireAsync(fineTune, CancellationToken.None))
        {
            Assert.NotNull(lease.Model.AdapterName);
            expected = await RunAsync(lease);
        }

        Directory.Delete(fineTune.AdapterDirectory, recursive: true);
        using var fresh = Cache();
        using var merged = await fresh.AcquireAsync(fineTune, CancellationToken.None);

        Assert.Null(merged.Model.AdapterName);
        Assert.Equal(fineTune.Directory, merged.Model.Directory);
        Assert.Equal([fineTune.Id], fresh.LoadedModelIds());
        AssertSameModel(await RunAsync(merged), expected, "merged fallback");
    }

    [Fact]
    public async Task A_fine_tune_of_a_fine_tune_is_served_on_the_model_it_was_trained_from()
    {
        var baseModel = LoraFineTunes.Base();
        var parent = LoraFineTunes.Write(scratch, "ft:parent", seed: 7, baseModel);
        var child = LoraFineTunes.Write(scratch, "ft:child", seed: 8, parent);
        Assert.Equal(baseModel.Id, child.RootBaseModel);
        using var cache = Cache();
        (IReadOnlyList<int>, Tensor) expected;
        using (var lease = await cache.AcquireAsync(AsMerged(child), CancellationToken.None))
            expected = await RunAsync(lease);

        using var served = await cache.AcquireAsync(child, CancellationToken.None);

        // The child's adapter was trained on the parent's merged weights, not on the root base.
        Assert.Equal(parent.Id, served.Model.BaseModelId);
        AssertSameModel(await RunAsync(served), expected, "adapter on the parent");
    }

    [Fact]
    public async Task A_fine_tune_whose_starting_model_is_unknown_is_served_from_its_merged_folder()
    {
        var fineTune = LoraFineTunes.Write(scratch, "ft:orphan", seed: 9, LoraFineTunes.Base());
        using var cache = Cache();

        using var lease = await cache.AcquireAsync(fineTune with { StartingModel = null }, CancellationToken.None);

        Assert.Null(lease.Model.AdapterName);
        Assert.Equal([fineTune.Id], cache.LoadedModelIds());
    }

    [Fact]
    public async Task Requests_for_two_adapters_of_one_base_at_once_each_get_their_own_model()
    {
        var baseModel = LoraFineTunes.Base();
        var first = LoraFineTunes.Write(scratch, "ft:concurrent-1", seed: 10, baseModel);
        var second = LoraFineTunes.Write(scratch, "ft:concurrent-2", seed: 11, baseModel);
        using var cache = Cache();
        var expected = new Dictionary<string, (IReadOnlyList<int>, Tensor)>();
        foreach (var model in new[] { first, second })
        {
            using var lease = await cache.AcquireAsync(model, CancellationToken.None);
            expected[model.Id] = await RunAsync(lease);
        }

        // They take turns on the base's lock; each turn selects its own adapter.
        var runs = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? first : second).Select(model => Task.Run(async () =>
        {
            using var lease = await cache.AcquireAsync(model, CancellationToken.None);
            return (model.Id, Result: await RunAsync(lease));
        })).ToList();

        foreach (var (id, result) in await Task.WhenAll(runs))
            AssertSameModel(result, expected[id], id);
    }

    [Fact]
    public async Task A_fine_tune_whose_adapter_cannot_be_read_is_served_from_its_merged_folder()
    {
        var baseModel = LoraFineTunes.Base();
        var fineTune = LoraFineTunes.Write(scratch, "ft:broken-adapter", seed: 12, baseModel);
        File.WriteAllText(Path.Combine(fineTune.AdapterDirectory, "adapter_model.safetensors"), "not a safetensors file");
        using var cache = Cache();

        using var lease = await cache.AcquireAsync(fineTune, CancellationToken.None);

        Assert.Null(lease.Model.AdapterName);
        Assert.Equal(fineTune.Directory, lease.Model.Directory);
        Assert.Empty(lease.Model.Adapters.Names);
    }
}
