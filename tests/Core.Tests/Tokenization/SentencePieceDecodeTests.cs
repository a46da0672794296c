using TuningService.Core.Tokenization.SentencePiece;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>Decoding rules beyond the golden files; expected text from Python sentencepiece 0.1.97 run by hand.</summary>
public class SentencePieceDecodeTests
{
    private static readonly SentencePieceTextTokenizer Tok105 = SentencePieceTextTokenizer.FromFile(Tok105Model);
    private static readonly SentencePieceTextTokenizer Llama2 = SentencePieceTextTokenizer.FromFile(Llama2Model);

    [Fact]
    public void Leading_space_of_the_first_piece_is_dropped_once()
    {
        Assert.Equal(" a", Llama2.Decode([29871, 263]));     // ▁ ▁a (remove_extra_whitespaces off)
        Assert.Equal("  a", Llama2.Decode([29871, 29871, 263]));
        Assert.Equal("a", Tok105.Decode([3, 3, 5]));          // ▁ ▁ a (remove_extra_whitespaces on)
        Assert.Equal("a a", Tok105.Decode([5, 3, 5]));
    }

    [Fact]
    public void Control_pieces_are_invisible_and_do_not_end_the_leading_position()
    {
        Assert.Equal("a", Llama2.Decode([1, 263]));
        Assert.Equal("a", Llama2.Decode([2, 1, 263]));
        Assert.Equal("a a", Llama2.Decode([263, 1, 263]));
        Assert.Equal("a", Tok105.Decode([1, 3, 5]));
    }

    [Fact]
    public void Byte_pieces_decode_as_utf8_with_one_replacement_per_invalid_byte()
    {
        Assert.Equal("日 a", Llama2.Decode([233, 154, 168, 263]));
        Assert.Equal("\uFFFD\uFFFD a", Llama2.Decode([233, 154, 263]));
        Assert.Equal("\uFFFD", Llama2.Decode([258])); // <0xFF>
        Assert.Equal("? a", Llama2.Decode([66, 263]));
    }

    [Fact]
    public void Control_pieces_are_written_when_special_tokens_are_not_skipped()
    {
        // Not sentencepiece behaviour (it never shows control pieces): the text between them decodes as its own sequence.
        Assert.Equal("<s>a</s>", Llama2.Decode([1, 263, 2], skipSpecialTokens: false));
    }

    [Fact]
    public void Out_of_range_id_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Llama2.Decode([32000]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Llama2.Decode([-1]));
    }
}
