using TuningService.Core.Generation;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Models.T5;

namespace TuningService.Core.Tests.Generation;

/// <summary>The generation engine drives encoder-decoder models too: greedy equals the golden, with or without the cache, alone or batched.</summary>
public class Seq2SeqGenerationTests
{
    // The goldens run 8 steps without stopping; an EOS the fixtures never produce keeps that so.
    static readonly TokenizerWithEos Tokenizer = new(new ByteTokenizer(), eosId: 255);

    [Theory]
    [InlineData(T5Fixtures.FlanTiny, true)]
    [InlineData(T5Fixtures.FlanTiny, false)]
    [InlineData(T5Fixtures.V10Tiny, true)]
    public void Greedy_generation_matches_the_golden_tokens(string name, bool useCache)
    {
        using var loaded = T5Fixtures.Load(name);
        var greedy = T5Fixtures.Golden(name)["greedy"]!;
        var input = Golden.Ints(greedy["input_ids"]);
        var output = TextGenerator.Generate(loaded.Model(), Tokenizer, [input],
            new GenerationOptions { Temperature = 0, MaxNewTokens = greedy["max_new_tokens"]!.GetValue<int>(), UseCache = useCache, StopTokenIds = [] })[0];
        Assert.Equal(Golden.Ints(greedy["new_tokens"]), output.TokenIds);
        Assert.Equal("length", output.FinishReason);
    }

    [Fact]
    public void A_batch_of_prompts_of_different_lengths_gives_what_each_gives_alone()
    {
        using var loaded = T5Fixtures.Load(T5Fixtures.FlanTiny);
        IReadOnlyList<int>[] prompts = [[37, 52, 11, 90, 1], [5, 6, 7, 8, 9, 10, 11, 12, 1]];
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 8, StopTokenIds = [] };
        var batched = TextGenerator.Generate(loaded.Model(), Tokenizer, prompts, options);
        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(TextGenerator.Generate(loaded.Model(), Tokenizer, [prompts[i]], options)[0].TokenIds, batched[i].TokenIds);
    }
}
