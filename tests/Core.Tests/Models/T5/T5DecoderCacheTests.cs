using TuningService.Core.Generation;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.T5;

/// <summary>Incremental decoding with a KeyValueCache must equal decoding the whole sequence at once.</summary>
public sealed class T5DecoderCacheTests
{
    [Theory]
    [InlineData(T5Fixtures.V10Tiny)]
    [InlineData(T5Fixtures.FlanTiny)]
    public void Greedy_tokens_are_the_same_with_and_without_the_cache(string name)
    {
        var golden = T5Fixtures.Golden(name);
        using var loaded = T5Fixtures.Load(name);
        var input = Golden.Ints(golden["long_sequence"]!["inputs"]!["input_ids"]); // 150 tokens: distant buckets

        var cached = Seq2SeqGreedyGenerator.Generate(loaded.Model(), input, maxNewTokens: 8, stopTokenId: null, useCache: true);
        var recomputed = Seq2SeqGreedyGenerator.Generate(loaded.Model(), input, maxNewTokens: 8, stopTokenId: null, useCache: false);

        Assert.Equal(8, cached.TokenIds.Count);
        Assert.Equal(recomputed.TokenIds, cached.TokenIds);
    }

    [Theory]
    [InlineData(T5Fixtures.V10Tiny)]
    [InlineData(T5Fixtures.FlanTiny)]
    public void Padded_batch_logits_decoded_one_token_at_a_time_equal_the_full_decode(string name)
    {
        var golden = T5Fixtures.Golden(name);
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, _, decoderInputIds) = T5Fixtures.Batch(golden["inputs"]!);
        var model = loaded.Model();
        var encoded = model.Encode(inputIds, mask);

        var full = model.Decode(decoderInputIds, encoded, mask, cache: null);
        var stepwise = DecodeInChunks(model, decoderInputIds, encoded, mask, Enumerable.Repeat(1, (int)decoderInputIds.shape[1]));

        Golden.AssertLogitsClose(full.data<float>().ToArray(), stepwise.data<float>().ToArray(), $"{name} cached vs full");
    }

    [Theory]
    [InlineData(T5Fixtures.V10Tiny)]
    [InlineData(T5Fixtures.FlanTiny)]
    public void Long_sequence_decoded_in_uneven_chunks_equals_the_full_decode_and_the_golden(string name)
    {
        var longCase = T5Fixtures.Golden(name)["long_sequence"]!;
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = loaded.Model();
        var decoderInputIds = Golden.IdTensor(longCase["inputs"]!["decoder_input_ids"]);
        var encoded = model.Encode(Golden.IdTensor(longCase["inputs"]!["input_ids"]), null);

        // Chunks longer than one token put a causal mask over cached and new keys; 40 positions reach bucket 22.
        var stepwise = DecodeInChunks(model, decoderInputIds, encoded, null, [5, 1, 1, 13, 2, 18]);
        var full = model.Decode(decoderInputIds, encoded, null, cache: null);

        Golden.AssertLogitsClose(full.data<float>().ToArray(), stepwise.data<float>().ToArray(), $"{name} cached vs full");
        Assert.Equal(Golden.Longs(longCase["argmax"]), stepwise.argmax(-1).data<long>().ToArray());
        Golden.AssertLogitsClose(Golden.Floats(longCase["logsumexp"]), stepwise.logsumexp(-1).data<float>().ToArray(), $"{name} cached logsumexp");
    }

    private static Tensor DecodeInChunks(Seq2SeqLanguageModel model, Tensor decoderInputIds, Tensor encoded, Tensor? mask, IEnumerable<int> chunks)
    {
        using var cache = model.CreateDecoderCache();
        var pieces = new List<Tensor>();
        foreach (var chunk in chunks)
        {
            var ids = decoderInputIds.narrow(1, cache.Length, chunk);
            pieces.Add(model.Decode(ids, encoded, mask, cache));
        }
        Assert.Equal(decoderInputIds.shape[1], cache.Length);
        return cat(pieces, 1);
    }
}
