using TuningService.Core.Tokenization.SentencePiece;
using TuningService.Core.Tokenization.TokenizerJson.Normalizers;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson.Normalizers;

/// <summary>The Precompiled normalizer with T5's compiled nmt_nfkc rules (the charsmap its tokenizer.json carries in base64).</summary>
public class PrecompiledNormalizerTests
{
    private static readonly PrecompiledNormalizer T5 =
        new(PrecompiledCharsMap.FromBlob(SentencePieceModelReader.Read(File.ReadAllBytes(TokenizerFixtures.T5Model)).Normalizer.PrecompiledCharsMap));

    [Theory]
    [InlineData("ﬁne", "fine")]
    [InlineData("１２３", "123")]
    [InlineData("plain text", "plain text")]
    [InlineData("e\u0301", "é")]
    public void Applies_the_compiled_rules_per_grapheme(string text, string expected) => Assert.Equal(expected, T5.Normalize(text));

    [Fact]
    public void An_empty_charsmap_is_the_identity() => Assert.Equal("ﬁ", new PrecompiledNormalizer(null).Normalize("ﬁ"));
}
