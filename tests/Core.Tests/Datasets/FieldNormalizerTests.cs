using TuningService.Core.Datasets;

namespace TuningService.Core.Tests.Datasets;

public sealed class FieldNormalizerTests
{
    static readonly CleaningOptions Defaults = new();

    [Fact]
    public void Nfc_composes_a_combining_accent()
    {
        Assert.Equal("caf\u00e9", FieldNormalizer.Normalize("cafe\u0301", Defaults));
    }

    [Fact]
    public void Nfc_keeps_compatibility_characters_that_nfkc_folds()
    {
        Assert.Equal("\ufb01ne x\u00b2", FieldNormalizer.Normalize("\ufb01ne x\u00b2", Defaults));
        Assert.Equal("fine x2", FieldNormalizer.Normalize("\ufb01ne x\u00b2", Defaults with { Unicode = UnicodeNormalization.Nfkc }));
        Assert.Equal("cafe\u0301", FieldNormalizer.Normalize("cafe\u0301", Defaults with { Unicode = UnicodeNormalization.None }));
    }

    [Theory]
    [InlineData("   positive  ", " positive")]
    [InlineData(" positive", " positive")]
    [InlineData("positive ", "positive")]
    [InlineData("\n\nSkier skis", "\nSkier skis")]
    public void A_completion_keeps_one_leading_separator_and_never_gains_one(string completion, string expected)
    {
        Assert.Equal(expected, FieldNormalizer.Normalize(completion, Defaults, seamAtStart: true));
    }

    [Theory]
    [InlineData("  Review: good . Sentiment:  ", "Review: good . Sentiment: ")]
    [InlineData("Sentiment:", "Sentiment:")]
    [InlineData("technology?\n", "technology?\n")]
    [InlineData("technology? \r\n ", "technology?\n")]
    public void A_prompt_keeps_one_trailing_separator(string prompt, string expected)
    {
        Assert.Equal(expected, FieldNormalizer.Normalize(prompt, Defaults, seamAtEnd: true));
    }

    [Theory]
    [InlineData("a  \t b", "a b")]
    [InlineData("line one   \r\nline two", "line one\nline two")]
    [InlineData("para\n\n\nnext", "para\n\n\nnext")]
    [InlineData("def f():\n    return 1", "def f():\n    return 1")]
    [InlineData("  \t ", "")]
    public void Whitespace_collapses_within_lines_and_keeps_line_structure(string text, string expected)
    {
        Assert.Equal(expected, FieldNormalizer.Normalize(text, Defaults));
    }

    [Fact]
    public void Switching_trimming_and_collapsing_off_leaves_whitespace_alone()
    {
        var options = Defaults with { TrimWhitespace = false, CollapseWhitespace = false };
        Assert.Equal("  a \t b \r\n", FieldNormalizer.Normalize("  a \t b \r\n", options));
        Assert.Equal(" a b ", FieldNormalizer.Normalize("  a \t b  ", Defaults with { TrimWhitespace = false }));
    }

    [Fact]
    public void A_lone_surrogate_is_left_as_it_is()
    {
        Assert.Equal("a \ud800 b", FieldNormalizer.Normalize("a \ud800 b", Defaults));
    }
}
