using TuningService.Core.Tokenization;
using TuningService.Core.Tokenization.ByteLevelBpe;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>
/// Byte-level BPE rules beyond the reference comparison. Expected ids and text are GPT2Tokenizer's (transformers'
/// defaults) or, for invalid UTF-8, OpenAI's encoder.py decode with errors="replace" run by hand.
/// </summary>
public class ByteLevelBpeTests
{
    private static readonly ByteLevelBpeTextTokenizer Gpt2 = ByteLevelBpeTextTokenizer.FromVocabAndMerges(Gpt2Vocab, Gpt2Merges);

    [Fact]
    public void Gpt2_files_alone_get_gpt2_tokenizer_defaults()
    {
        Assert.Equal((50257, 50256, 50256, (int?)null, 50256, false), (Gpt2.VocabSize, Gpt2.BosId, Gpt2.EosId, Gpt2.PadId, Gpt2.UnkId, Gpt2.AddBos));
        Assert.Equal([new AddedToken(50256, "<|endoftext|>", Special: true)], Gpt2.AddedTokens);
    }

    [Fact]
    public void Endoftext_in_the_text_is_one_token()
    {
        Assert.Equal([31373, 50256, 995], Gpt2.Encode("hello<|endoftext|> world"));
        Assert.Equal([27, 91, 437], Gpt2.Encode("<|end")); // an incomplete one is ordinary text
    }

    [Fact]
    public void Special_tokens_are_skipped_unless_asked_for()
    {
        Assert.Equal("hello world", Gpt2.Decode([50256, 31373, 995, 50256]));
        Assert.Equal("<|endoftext|>hello world<|endoftext|>", Gpt2.Decode([50256, 31373, 995, 50256], skipSpecialTokens: false));
    }

    [Fact]
    public void Invalid_utf8_decodes_to_one_replacement_per_broken_sequence()
    {
        Assert.Equal("\uFFFD", Gpt2.Decode([47249]));               // first 3 bytes of 😀
        Assert.Equal("\uFFFDhello", Gpt2.Decode([47249, 31373]));
        Assert.Equal("\uFFFD\uFFFD", Gpt2.Decode([222, 222]));       // two lone continuation bytes
        Assert.Equal("👍\uFFFD", Gpt2.Decode([41840, 235, 8582]));
        Assert.Equal("😀", Gpt2.Decode([47249, 222]));
    }

    [Fact]
    public void Unknown_ids_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Decode([50257]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Decode([-1]));
    }

    [Fact]
    public void Special_ids_can_be_replaced_but_must_exist()
    {
        var padded = Gpt2.WithSpecialTokens(new SpecialTokenIds(50256, 50256, 50256, AddBos: true));

        Assert.Equal((50256, true), (padded.PadId, padded.AddBos));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.WithSpecialTokens(new SpecialTokenIds(50257, null, null, AddBos: false)));
        Assert.Throws<ArgumentException>(() => Gpt2.WithSpecialTokens(new SpecialTokenIds(null, 50256, null, AddBos: true)));
    }

    [Fact]
    public void A_vocabulary_that_is_not_byte_level_is_refused()
    {
        // GPT-1 style: end-of-word suffixes, no 'Ġ' and no byte symbols; encoding it as byte-level would be wrong.
        using var folder = new TemporaryModelFolder()
            .WithText("vocab.json", """{"a": 0, "b": 1, "ab</w>": 2}""")
            .WithText("merges.txt", "#version: 0.2\na b</w>\n");

        var error = Assert.Throws<NotSupportedException>(() => ByteLevelBpeTextTokenizer.FromVocabAndMerges(
            Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt")));

        Assert.Contains("byte-level", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder.Path, "vocab.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_ids_are_looked_up_in_byte_level_spelling()
    {
        Assert.Equal(262, Gpt2.TokenToId("Ġthe"));
        Assert.Equal(50256, Gpt2.TokenToId("<|endoftext|>"));
        Assert.Null(Gpt2.TokenToId(" the"));
    }
}
