using TuningService.Core.Tokenization.SentencePiece;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>
/// One test per Microsoft.ML.Tokenizers 2.0.1 defect that SentencePieceTextTokenizer works around. Expected ids and
/// text are Python sentencepiece 0.1.97's (from the golden files, or run by hand where noted).
/// </summary>
public class SentencePieceLibraryDefectTests
{
    private static readonly SentencePieceTextTokenizer Tok105 = SentencePieceTextTokenizer.FromFile(Tok105Model);
    private static readonly SentencePieceTextTokenizer Llama2 = SentencePieceTextTokenizer.FromFile(Llama2Model);
    private static readonly SentencePieceTextTokenizer T5 = SentencePieceTextTokenizer.FromFile(T5Model);

    [Fact]
    public void T5_layout_unigram_without_bos_loads_with_special_ids_from_trainer_spec()
    {
        var unigram = SentencePieceTextTokenizer.FromFile(UnigramFixtureModel);

        Assert.Equal((null, 1, 0, 2, false), (unigram.BosId, unigram.EosId, unigram.PadId, unigram.UnkId, unigram.AddBos));
        Assert.Equal((null, 1, 0, 2, false), (T5.BosId, T5.EosId, T5.PadId, T5.UnkId, T5.AddBos));
        Assert.Equal(384, unigram.VocabSize);
        Assert.Equal(32000, T5.VocabSize);
    }

    [Fact]
    public void Unigram_without_bos_or_eos_still_encodes_like_sentencepiece()
    {
        // eos_id -1 crashes the library's unigram constructor just as bos_id -1 does.
        var withoutEos = TrainerSpecRewriter.WithInt32Fields(File.ReadAllBytes(UnigramFixtureModel), new Dictionary<int, int> { [42] = -1 });
        var tokenizer = SentencePieceTextTokenizer.FromBytes(withoutEos);

        Assert.Null(tokenizer.BosId);
        Assert.Null(tokenizer.EosId);
        GoldenAssert.EncodesLikeSentencePiece(tokenizer, SentencePieceGoldenCase.Load(FixtureTokensJson, "unigram"));
    }

    [Fact]
    public void Run_of_unknown_characters_encodes_as_one_unk()
    {
        Assert.Equal([3, 2], T5.Encode("日本語のテキスト"));
        Assert.Equal([3, 2, 3, 2], T5.Encode("한국어 문장"));
        Assert.Equal([3, 0], Tok105.Encode("日本語のテキスト"));
        Assert.Equal([3, 0, 25, 3, 0, 36], Tok105.Encode("Привет, мир!"));
    }

    [Fact]
    public void Bpe_encodes_a_one_character_input()
    {
        Assert.Equal([3, 5], Tok105.Encode("a"));
        Assert.Equal([3, 19], Tok105.Encode("."));
        Assert.Equal([3, 19], Tok105.Encode(" ."));
        Assert.Equal([263], Llama2.Encode("a"));
    }

    [Fact]
    public void Bpe_merges_equal_scores_leftmost_first()
    {
        // The library dequeues the rightmost of equally scored pairs: [29099,7340,27137,27137,27137] here.
        Assert.Equal([263, 27137, 27137, 27137, 7340, 29874], Llama2.Encode("aaaaaaaaaaaaaaaa"));
        Assert.Equal([1738, 6824, 28772, 856, 12985, 29892], Llama2.Encode("!!!???...,,,"));
    }

    [Fact]
    public void Remove_extra_whitespaces_trims_and_collapses_spaces()
    {
        Assert.Equal([3, 33, 4, 14, 14, 7, 3, 17, 7, 13, 14, 11], Tok105.Encode("  Hello   world  "));
        Assert.Empty(Tok105.Encode(" "));
        Assert.Empty(Tok105.Encode("   "));
    }

    [Fact]
    public void Spaces_are_kept_when_remove_extra_whitespaces_is_off()
    {
        Assert.Equal([259, 15043, 259, 3186, 259], Llama2.Encode("  Hello   world  "));
        Assert.Equal([259], Llama2.Encode(" "));
    }

    [Fact]
    public void Dummy_prefix_is_added_before_the_first_word()
    {
        Assert.Equal([263, 289], Llama2.Encode("a b")); // ▁a ▁b
        Assert.Equal([3, 9, 3, 115], T5.Encode("a b")); // ▁ a ▁ b
    }

    [Fact]
    public void Precompiled_charsmap_normalises_like_nmt_nfkc()
    {
        Assert.Equal([27645, 9400, 3, 14574], T5.Encode("ＦＵＬＬ ｗｉｄｔｈ １２３")); // ▁FULL ▁width ▁ 123
        Assert.Equal([3808, 12494, 2620], T5.Encode("tab\tseparated\tvalues")); // tab → space
        Assert.Equal([1399, 209, 2, 357], T5.Encode("ﬁne ½")); // ▁fine ▁1 ⁄(unk) 2
    }

    [Fact]
    public void Unk_decodes_to_the_models_unk_surface()
    {
        Assert.Equal(" \u2047 ", T5.Decode([2]));
        Assert.Equal(" \u2047  \u2047 ", T5.Decode([2, 2]));
        Assert.Equal(" \u2047  a", Llama2.Decode([0, 263]));

        // tok105 was trained with unk_surface set to the escaped text itself (backslashes included).
        Assert.Equal(" \\342\\201\\207 ", Tok105.Decode([0]));
    }
}
