using TuningService.Core.Datasets;

namespace TuningService.Core.Tests.Datasets;

public sealed class DuplicateKeysTests
{
    [Theory]
    [InlineData("Don't  stop!", "do n't stop")]
    [InlineData("CAFÉ, please.", "café please")]
    [InlineData("\uff21\uff22\uff23", "abc")]
    public void Case_whitespace_punctuation_and_width_are_ignored(string a, string b)
    {
        Assert.Equal(DuplicateKeys.NormalizedText(a), DuplicateKeys.NormalizedText(b));
    }

    [Theory]
    [InlineData("it is good", "it is bad")]
    [InlineData("3 stars", "4 stars")]
    [InlineData("\u0915\u093f", "\u0915")] // Devanagari: the vowel sign is a mark and tells the syllables apart
    public void Different_words_numbers_and_marks_stay_different(string a, string b)
    {
        Assert.NotEqual(DuplicateKeys.NormalizedText(a), DuplicateKeys.NormalizedText(b));
    }

    [Fact]
    public void The_finder_matches_exact_before_normalised_and_points_at_the_first()
    {
        var finder = new DuplicateFinder();
        Assert.Null(finder.Check(new("Q: hi", " yes"), 0));
        Assert.Null(finder.Check(new("Q: hi", " no"), 1));
        Assert.Equal(new DuplicateMatch(DuplicateKind.Exact, 0), finder.Check(new("Q: hi", " yes"), 2));
        Assert.Equal(new DuplicateMatch(DuplicateKind.Normalized, 1), finder.Check(new("q hi", "NO!"), 3));
    }

    [Fact]
    public void The_prompt_completion_boundary_is_part_of_the_key()
    {
        var finder = new DuplicateFinder();
        Assert.Null(finder.Check(new("ab", "c"), 0));
        Assert.Null(finder.Check(new("a", "bc"), 1));
    }
}
