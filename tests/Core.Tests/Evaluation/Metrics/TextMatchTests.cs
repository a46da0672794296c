using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Tests.Evaluation.Metrics;

public class TextMatchTests
{
    // The exact_match metric card of Hugging Face datasets/evaluate ("Without including any regexes to ignore").
    private static readonly string[] CardReferences = ["the cat", "theater", "YELLING", "agent007"];
    private static readonly string[] CardPredictions = ["cat?", "theater", "yelling", "agent"];

    [Fact]
    public void Exact_match_is_strict_about_case_and_punctuation()
    {
        // The card prints 25.0 (percent): only "theater" matches.
        Assert.Equal(0.25, TextMatch.ExactMatch(CardPredictions, CardReferences));
    }

    [Fact]
    public void Exact_match_ignores_only_surrounding_whitespace()
    {
        Assert.Equal(1.0, TextMatch.ExactMatch([" Paris\n"], ["Paris"]));
        Assert.Equal(0.0, TextMatch.ExactMatch(["paris"], ["Paris"]));
    }

    [Fact]
    public void Normalized_exact_match_on_the_card_example()
    {
        // Under SQuAD's normalize_answer (evaluate-v1.1.py) "the cat"/"cat?" both become "cat" and "YELLING" becomes
        // "yelling"; "agent007" still differs from "agent": 3 of 4.
        Assert.Equal(0.75, TextMatch.NormalizedExactMatch(CardPredictions, CardReferences));
    }

    [Theory]
    // Cases from haystack v1's test_normalize_answer (haystack.modeling.evaluation.squad), whose normalize_answer is SQuAD's
    // for ASCII text; its en-dash case is left out because haystack strips more than string.punctuation there.
    [InlineData("100 - 150", "100 150")]
    [InlineData("100 % 150", "100 150")]
    [InlineData("100 + 150", "100 150")]
    [InlineData("100 / 150", "100 150")]
    [InlineData("a test", "test")]
    [InlineData("the test", "test")]
    [InlineData("an experiment", "experiment")]
    [InlineData("normalization test", "normalization test")]
    [InlineData("NorMaliZation teSt", "normalization test")]
    [InlineData("   normalization   test  ", "normalization test")]
    [InlineData("  the normalization test", "normalization test")]
    // Consequences of evaluate-v1.1.py's code, read off it: punctuation is deleted without leaving a space,
    // string.punctuation is ASCII only (the en dash stays), articles go only as whole words (\b), and the
    // underscore is punctuation there (deleted before the article rule sees "the_end").
    [InlineData("U.S.A.", "usa")]
    [InlineData("100 – 150", "100 – 150")]
    [InlineData("Theater and another anthem", "theater and another anthem")]
    [InlineData("The_End", "theend")]
    [InlineData("A, an; THE.", "")]
    public void Normalize_follows_the_squad_script(string text, string expected)
    {
        Assert.Equal(expected, TextMatch.Normalize(text));
    }

    [Fact]
    public void Normalize_lowercases_as_python_does()
    {
        // Python: "İ".lower() == "i\u0307" (full case mapping) and a word-final Σ lowers to ς; .NET's invariant
        // lowering keeps İ and always gives σ.
        Assert.Equal("i\u0307stanbul", TextMatch.Normalize("İSTANBUL"));
        Assert.Equal("\u03BF\u03B4\u03BF\u03C2 \u03C3\u03B1\u03C2", TextMatch.Normalize("ΟΔΟΣ ΣΑΣ")); // οδος σας
    }

    [Fact]
    public void Mismatched_or_empty_inputs_are_errors()
    {
        Assert.Throws<ArgumentException>(() => TextMatch.ExactMatch(["a"], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => TextMatch.NormalizedExactMatch([], []));
    }
}
