using TuningService.Core.Tokenization.SentencePiece;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>Encode and decode held to Python sentencepiece 0.1.97 on every case of each golden file.</summary>
public class SentencePieceGoldenTests
{
    [Fact]
    public void Tok105_encodes_like_sentencepiece() =>
        GoldenAssert.EncodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(Tok105Model), SentencePieceGoldenCase.Load(RealGolden("tok105")));

    [Fact]
    public void Tok105_decodes_like_sentencepiece() =>
        GoldenAssert.DecodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(Tok105Model), SentencePieceGoldenCase.Load(RealGolden("tok105")));

    [Fact]
    public void Llama2_encodes_like_sentencepiece() =>
        GoldenAssert.EncodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(Llama2Model), SentencePieceGoldenCase.Load(RealGolden("llama2")));

    [Fact]
    public void Llama2_decodes_like_sentencepiece() =>
        GoldenAssert.DecodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(Llama2Model), SentencePieceGoldenCase.Load(RealGolden("llama2")));

    [Fact]
    public void T5_encodes_like_sentencepiece() =>
        GoldenAssert.EncodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(T5Model), SentencePieceGoldenCase.Load(RealGolden("t5")));

    [Fact]
    public void T5_decodes_like_sentencepiece() =>
        GoldenAssert.DecodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(T5Model), SentencePieceGoldenCase.Load(RealGolden("t5")));

    [Fact]
    public void Unigram_fixture_encodes_like_sentencepiece() =>
        GoldenAssert.EncodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(UnigramFixtureModel), SentencePieceGoldenCase.Load(FixtureTokensJson, "unigram"));

    [Fact]
    public void Unigram_fixture_decodes_like_sentencepiece() =>
        GoldenAssert.DecodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(UnigramFixtureModel), SentencePieceGoldenCase.Load(FixtureTokensJson, "unigram"));

    [Fact]
    public void Bpe_fixture_encodes_like_sentencepiece() =>
        GoldenAssert.EncodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(BpeFixtureModel), SentencePieceGoldenCase.Load(FixtureTokensJson, "bpe"));

    [Fact]
    public void Bpe_fixture_decodes_like_sentencepiece() =>
        GoldenAssert.DecodesLikeSentencePiece(SentencePieceTextTokenizer.FromFile(BpeFixtureModel), SentencePieceGoldenCase.Load(FixtureTokensJson, "bpe"));
}
