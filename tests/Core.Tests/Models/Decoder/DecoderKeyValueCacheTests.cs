using TuningService.Core.Generation;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Decoder;

/// <summary>
/// Incremental decoding with the key/value cache against the full forward (which the goldens check), past the
/// sliding windows (mistral 8, gemma2 4, gemma3 6), and with left padding.
/// </summary>
public sealed class DecoderKeyValueCacheTests
{
    public static TheoryData<string, int[]> Chunkings()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var name in DecoderFixtures.Names)
        {
            data.Add(name, Enumerable.Repeat(1, 40).ToArray());
            data.Add(name, [100, 1, 1, 1, 25]);
            data.Add(name, [5, 7, 3, 9, 1, 30]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Incremental_logits_equal_the_full_forward_at_every_position(string name, int[] chunks)
    {
        using var loaded = DecoderFixtures.Load(name);
        var model = loaded.AsCausalLanguageModel();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = Golden.IdTensor(DecoderFixtures.GoldenOf(name)["long_sequence"]!["inputs"]!["input_ids"]).narrow(1, 0, chunks.Sum());
        var fullLogits = model.forward(ids);

        using var cache = model.CreateCache()!;
        var start = 0;
        foreach (var chunk in chunks)
        {
            var logits = model.Forward(ids.narrow(1, start, chunk), cache);
            start += chunk;
            Assert.Equal(start, cache.Length);
            Golden.AssertLogitsClose(fullLogits.narrow(1, start - chunk, chunk).data<float>().ToArray(), logits.data<float>().ToArray(),
                $"{name} positions {start - chunk}..{start - 1}");
        }
    }

    [Theory]
    [MemberData(nameof(DecoderFixtures.All), MemberType = typeof(DecoderFixtures))]
    public void Batched_greedy_generation_with_the_cache_equals_each_prompt_alone(string name)
    {
        using var loaded = DecoderFixtures.Load(name);
        var model = loaded.AsCausalLanguageModel();
        var greedy = DecoderFixtures.GoldenOf(name)["greedy"]!;
        var prompt = Golden.Ints(greedy["input_ids"]);
        int[][] prompts = [prompt, prompt[..5], prompt[..9]];
        // 20 new tokens take every row past every window while left padding is in the cache.
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 0, StopTokenIds = [], UseCache = true };

        var batch = TextGenerator.Run(model, tokenizer: null, prompts, options, onToken: null, CancellationToken.None);

        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(TextGenerator.Run(model, null, [prompts[i]], options, null, CancellationToken.None)[0].TokenIds, batch[i].TokenIds);
        Assert.Equal(Golden.Ints(greedy["new_tokens"]), batch[0].TokenIds.Take(8));
    }

    [Theory]
    [MemberData(nameof(DecoderFixtures.All), MemberType = typeof(DecoderFixtures))]
    public void Left_padded_prefill_and_cached_steps_equal_each_row_alone(string name)
    {
        using var loaded = DecoderFixtures.Load(name);
        var model = loaded.AsCausalLanguageModel();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var inputs = DecoderFixtures.GoldenOf(name)["left_padding"]!["inputs"]!;
        var prompt = Golden.IdTensor(inputs["input_ids"]);                 // row 1 has 5 pads, then 7 tokens
        var mask = Golden.IdTensor(inputs["attention_mask"]);
        var pads = new[] { 0, (int)(12 - mask[1].sum().item<long>()) };
        // Ten steps take both rows past every window, so the window has to hold across the cache.
        var steps = Golden.Longs(DecoderFixtures.GoldenOf(name)["long_sequence"]!["inputs"]!["input_ids"]).Skip(1).Take(20).ToArray();

        using var cache = model.CreateCache()!;
        var prefill = model.ForwardLeftPadded(prompt, mask, cache);
        var stepLogits = new List<Tensor>();
        for (var step = 0; step < 10; step++)
        {
            mask = cat([mask, ones(2, 1, ScalarType.Int64)], 1);
            stepLogits.Add(model.ForwardLeftPadded(tensor(new[] { steps[2 * step], steps[2 * step + 1] }, [2, 1]), mask, cache));
        }

        for (var row = 0; row < 2; row++)
        {
            var own = prompt[row].narrow(0, pads[row], 12 - pads[row]);
            var rowSteps = tensor(Enumerable.Range(0, 10).Select(s => steps[2 * s + row]).ToArray());
            var alone = model.forward(cat([own, rowSteps]).unsqueeze(0))[0];
            var real = 12 - pads[row];
            Golden.AssertLogitsClose(alone.narrow(0, 0, real).data<float>().ToArray(),
                prefill[row].narrow(0, pads[row], real).data<float>().ToArray(), $"{name} row {row} prompt");
            for (var step = 0; step < 10; step++)
                Golden.AssertLogitsClose(alone[real + step].data<float>().ToArray(), stepLogits[step][row, 0].data<float>().ToArray(),
                    $"{name} row {row} step {step}");
        }
    }
}
