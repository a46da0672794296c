using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Generation;

/// <summary>Incremental decoding with the Llama key/value cache against the full (uncached) forward.</summary>
public sealed class LlamaKeyValueCacheTests
{
    // llama-tiny (GQA 4/2, untied): its golden 128-token sequence; babyllama (GQA 8/4, tied): golden prompt 1 and
    // its 60 greedy tokens. Fed one token at a time, or a prompt then single tokens, or chunks after a past.
    public static TheoryData<string, int[]> Chunkings => new()
    {
        { "llama-tiny", Enumerable.Repeat(1, 128).ToArray() },
        { "llama-tiny", [100, 1, 1, 1, 25] },
        { "babyllama", [18, .. Enumerable.Repeat(1, 60)] },
        { "babyllama", [40, 3, 1, 34] },
    };

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Incremental_logits_equal_the_full_forward_at_every_position(string modelName, int[] chunks)
    {
        using var loaded = PretrainedModelLoader.Load(modelName == "babyllama" ? TestPaths.BabyLlama : TestPaths.LlamaTiny, CPU);
        var model = loaded.AsCausalLanguageModel();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = SequenceFor(modelName, chunks.Sum());
        var full = model.forward(ids);

        using var cache = model.CreateCache() ?? throw new InvalidOperationException("Llama has a cache.");
        var start = 0;
        foreach (var chunk in chunks)
        {
            var logits = model.Forward(ids.narrow(1, start, chunk), cache);
            start += chunk;
            Assert.Equal(start, cache.Length);
            Golden.AssertLogitsClose(full.narrow(1, start - chunk, chunk).data<float>().ToArray(), logits.data<float>().ToArray(),
                $"{modelName} positions {start - chunk}..{start - 1}");
        }
    }

    [Fact]
    public void Left_padded_batch_with_a_cache_equals_each_row_alone()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        var model = loaded.AsCausalLanguageModel();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long[] shortRow = [1, 3, 34, 9];
        var longRow = Golden.Longs(Golden.Read(Path.Combine(TestPaths.BabyLlama, "golden.json"))["prompts"]![1]!["input_ids"]);
        var pad = longRow.Length - shortRow.Length;
        var prompt = tensor(Enumerable.Repeat(0L, pad).Concat(shortRow).Concat(longRow).ToArray(), [2, longRow.Length]);
        var mask = tensor(Enumerable.Repeat(0L, pad).Concat(Enumerable.Repeat(1L, shortRow.Length + longRow.Length)).ToArray(), [2, longRow.Length]);
        long[] next = [5, 6];

        using var cache = model.CreateCache()!;
        var prefill = model.ForwardLeftPadded(prompt, mask, cache);
        var step = model.ForwardLeftPadded(tensor(next, [2, 1]), cat([mask, ones(2, 1, ScalarType.Int64)], 1), cache);

        long[][] rows = [shortRow, longRow];
        for (var row = 0; row < 2; row++)
        {
            var alone = model.forward(tensor(rows[row].Append(next[row]).ToArray(), [1, rows[row].Length + 1]));
            var real = rows[row].Length;
            Golden.AssertLogitsClose(alone[0].narrow(0, 0, real).data<float>().ToArray(),
                prefill[row].narrow(0, prefill.shape[1] - real, real).data<float>().ToArray(), $"row {row} prompt");
            Golden.AssertLogitsClose(alone[0, -1].data<float>().ToArray(), step[row, 0].data<float>().ToArray(), $"row {row} next token");
        }
    }

    private static Tensor SequenceFor(string modelName, int length)
    {
        if (modelName == "llama-tiny")
        {
            var golden = Golden.Read(Path.Combine(TestPaths.LlamaTiny, "golden.json"));
            return Golden.IdTensor(golden["long_sequence"]!["inputs"]!["input_ids"]).narrow(1, 0, length);
        }
        var prompt = Golden.Read(Path.Combine(TestPaths.BabyLlama, "golden.json"))["prompts"]![1]!;
        var ids = Golden.Longs(prompt["input_ids"]).Concat(Golden.Longs(prompt["greedy"]!["new_tokens"])).Take(length).ToArray();
        return tensor(ids, [1, length]);
    }
}
