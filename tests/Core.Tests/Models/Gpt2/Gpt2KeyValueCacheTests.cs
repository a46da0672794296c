using System.Text.Json.Nodes;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Gpt2;

/// <summary>Incremental decoding with a KeyValueCache against the full (uncached) forward and the greedy golden.</summary>
public sealed class Gpt2KeyValueCacheTests : IDisposable
{
    private readonly LoadedModel loaded = PretrainedModelLoader.Load(Gpt2Fixtures.Tiny, CPU);
    private readonly JsonObject golden = Gpt2Fixtures.Golden();

    private CausalLanguageModel Model => loaded.AsCausalLanguageModel();

    public static TheoryData<int[]> Chunkings => new()
    {
        Enumerable.Repeat(1, 128).ToArray(), // one token at a time up to position 127
        new[] { 5, 1, 1, 40, 17, 64 },       // a prompt, single steps, then multi-token chunks after a past
    };

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Cached_logits_equal_the_full_forward_at_the_same_positions(int[] chunks)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Golden.IdTensor(golden["long_sequence"]!["inputs"]!["input_ids"]); // [1, 128]
        var full = Model.forward(ids);

        using var cache = Model.CreateCache()!;
        var pieces = new List<Tensor>();
        var start = 0;
        foreach (var length in chunks)
        {
            pieces.Add(Model.Forward(ids.narrow(1, start, length), cache));
            start += length;
            Assert.Equal(start, cache.Length);
        }
        Assert.Equal(128, start);
        Golden.AssertLogitsClose(full.data<float>().ToArray(), cat(pieces, 1).data<float>().ToArray(), "cached vs full");
    }

    [Fact]
    public void Greedy_decoding_with_the_cache_matches_the_golden_tokens()
    {
        using var noGrad = no_grad();
        var greedy = golden["greedy"]!;
        using var cache = Model.CreateCache()!;
        var next = Golden.IdTensor(greedy["input_ids"]);
        var tokens = new List<int>();
        for (var step = 0; step < greedy["max_new_tokens"]!.GetValue<int>(); step++)
        {
            using var scope = NewDisposeScope();
            var token = Model.Forward(next, cache)[0, -1].argmax().item<long>();
            tokens.Add((int)token);
            next = tensor(new[] { token }).unsqueeze(0).MoveToOuterDisposeScope();
        }

        Assert.Equal(Golden.Ints(greedy["new_tokens"]), tokens);
    }

    [Fact]
    public void A_batch_decodes_each_row_as_it_would_alone()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Golden.IdTensor(golden["inputs"]!["input_ids"]); // [2, 9]; row 1's padding is real input here
        var full = Model.forward(ids);

        using var cache = Model.CreateCache()!;
        var prefix = Model.Forward(ids.narrow(1, 0, 4), cache);
        var rest = Model.Forward(ids.narrow(1, 4, 5), cache);

        Golden.AssertLogitsClose(full.data<float>().ToArray(), cat([prefix, rest], 1).data<float>().ToArray(), "batched cached vs full");
    }

    [Fact]
    public void A_cache_cannot_run_past_n_positions()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = Model.CreateCache()!;
        Model.Forward(zeros(1, 128, ScalarType.Int64), cache);

        Assert.Throws<ArgumentException>(() => Model.Forward(zeros(1, 1, ScalarType.Int64), cache));
    }

    public void Dispose() => loaded.Dispose();
}
