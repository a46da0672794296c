using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// Regexes over code points, as onig and Python's regex run them; .NET alone sees a supplementary character as two
/// surrogates (no \p{L}, no \p{N}) and would count a supplementary digit twice.
/// </summary>
public class CodePointRegexTests
{
    [Theory]
    [InlineData(@"\p{N}{1,3}", "𝟙𝟚𝟛𝟜", new[] { 0, 6, 6, 8 })]
    [InlineData(@"\p{N}", "1𝟚3", new[] { 0, 1, 1, 3, 3, 4 })]
    [InlineData(@"\p{L}+", "a𝔘b c", new[] { 0, 4, 5, 6 })]
    [InlineData(@"[^\r\n\p{L}\p{N}]?\p{L}+", " 𝔘𝔫 x", new[] { 0, 5, 5, 7 })]
    [InlineData(@"\s+(?!\S)|\s+", "a  𝔘", new[] { 1, 2, 2, 3 })]
    public void Matches_supplementary_characters_by_their_category(string pattern, string text, int[] bounds)
    {
        var matches = new List<(int Start, int End)>();

        new CodePointRegex(pattern, "test").Matches(text, matches);

        Assert.Equal(bounds, matches.SelectMany(m => new[] { m.Start, m.End }));
    }

    [Fact]
    public void A_pattern_dotnet_cannot_parse_is_refused_naming_it()
    {
        var error = Assert.Throws<NotSupportedException>(() => new CodePointRegex("a++", "some/tokenizer.json"));

        Assert.Contains("'some/tokenizer.json': regex a++", error.Message, StringComparison.Ordinal);
    }
}
