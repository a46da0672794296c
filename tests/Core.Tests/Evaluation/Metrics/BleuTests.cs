using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Tests.Evaluation.Metrics;

/// <summary>
/// Every expected value here is published by sacreBLEU (github.com/mjpost/sacrebleu): its README ("Using SacreBLEU from
/// Python"), test/test_bleu.py and test/test_sentence_bleu.py. Tolerances are the ones those tests use.
/// </summary>
public class BleuTests
{
    // The README's example: three system sentences, two reference streams.
    private static readonly string[] ReadmeSystem =
        ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

    private static readonly string[][] ReadmeReferences =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    [Fact]
    public void Readme_example_with_default_settings()
    {
        // README: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)";
        // test_bleu.py test_corpus_bleu pins the score to 48.530827 within 1e-8.
        var bleu = Bleu.CorpusMultiReference(ReadmeSystem, ReadmeReferences);
        Assert.Equal(48.530827, bleu.Score, 1e-8);
        Assert.Equal([82.4, 50.0, 45.5, 37.5], bleu.Precisions.Select(p => Math.Round(p, 1)));
        Assert.Equal(0.943, Math.Round(bleu.BrevityPenalty, 3));
        Assert.Equal(17, bleu.HypothesisLength);
        Assert.Equal(18, bleu.ReferenceLength);
    }

    [Theory]
    [InlineData(BleuTokenization.Mteval13a, BleuSmoothing.Exponential, 48.530827)]
    [InlineData(BleuTokenization.None, BleuSmoothing.Exponential, 49.1919566)]
    [InlineData(BleuTokenization.Mteval13a, BleuSmoothing.None, 48.530827)]
    public void Test_bleu_corpus_cases(BleuTokenization tokenization, BleuSmoothing smoothing, double expected)
    {
        // test_bleu.py test_corpus_bleu_cases (EPSILON = 1e-8).
        var options = new BleuOptions { Tokenization = tokenization, Smoothing = smoothing };
        Assert.Equal(expected, Bleu.CorpusMultiReference(ReadmeSystem, ReadmeReferences, options).Score, 1e-8);
    }

    [Fact]
    public void Empty_hypotheses_are_kept_and_score_zero()
    {
        // test_bleu.py: "ensure that empty hypotheses are not removed" -> 0.0.
        Assert.Equal(0.0, Bleu.CorpusMultiReference(["", "", ""], ReadmeReferences).Score);
    }

    [Fact]
    public void Empty_references_mean_fewer_references_for_that_sentence()
    {
        // README "Variable Number of References": "remove the first reference sentence for the first system sentence"
        // -> "BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)". Its listing
        // blanks that sentence in both streams, which sacreBLEU rejects ("Empty or `None` reference sentence found");
        // the printed figures are those of the prose: ref_len 19 = 7 ("The dog had bit the man .") + 5 + 7, and the
        // bigram precision 6/14 = 42.9 needs "The dog had bit the man." to remain.
        string[][] references =
        [
            ["", "It was not unexpected.", "The man bit him first."],
            ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
        ];
        var bleu = Bleu.CorpusMultiReference(ReadmeSystem, references);
        Assert.Equal(29.44, Math.Round(bleu.Score, 2));
        Assert.Equal([82.4, 42.9, 27.3, 12.5], bleu.Precisions.Select(p => Math.Round(p, 1)));
        Assert.Equal(0.889, Math.Round(bleu.BrevityPenalty, 3));
        Assert.Equal(17, bleu.HypothesisLength);
        Assert.Equal(19, bleu.ReferenceLength);
    }

    // sacreBLEU's raw_corpus_bleu: tokenize='none', 'floor' smoothing, effective order.
    private static BleuOptions Raw(double floor) => new()
    {
        Tokenization = BleuTokenization.None, Smoothing = BleuSmoothing.Floor, SmoothValue = floor, EffectiveOrder = true,
    };

    [Theory]
    [InlineData("this is a test", "this is a test", 0.01, 1.0)]
    [InlineData("this is a fest", "this is a test", 0.01, 0.223606797749979)]
    [InlineData("test", "a test", 0.01, 0.3678794411714425)]
    [InlineData("a test", "a test", 0.01, 1.0)]
    [InlineData("a little test", "a test", 0.01, 0.03218297948685433)]
    [InlineData("am I am a character sequence", "I am a symbol string sequence a a", 0.1, 0.1555722182)]
    [InlineData("am I am a character sequence", "I am a symbol string sequence a a", 0.0, 0.0)]
    public void Raw_corpus_bleu_cases(string hypothesis, string reference, double floor, double expected)
    {
        // test_bleu.py test_raw_bleu_cases, test_case_effective_order and test_case_offset (scores / 100, 1e-8).
        // Its first raw case (no match at all -> 0.0037...) predates sacreBLEU's early return of 0 for no matches (#141)
        // and is not used; Sentences_without_any_match_score_zero holds the current behaviour.
        Assert.Equal(expected, Bleu.Corpus([hypothesis], [reference], Raw(floor)).Score / 100, 1e-8);
    }

    [Fact]
    public void Statistics_of_a_sentence_pair()
    {
        // test_bleu.py test_case_statistics: common [4, 2, 1, 0], total [6, 5, 4, 3].
        var bleu = Bleu.Corpus(["am I am a character sequence"], ["I am a symbol string sequence a a"], Raw(0.01));
        Assert.Equal([4L, 2, 1, 0], bleu.MatchCounts);
        Assert.Equal([6L, 5, 4, 3], bleu.TotalCounts);
    }

    [Fact]
    public void Score_from_statistics()
    {
        // test_bleu.py test_case_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) -> 0.8375922397
        // (compute_bleu's own default smoothing is 'none').
        var bleu = Bleu.FromStatistics([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, new BleuOptions { Smoothing = BleuSmoothing.None });
        Assert.Equal(0.8375922397, bleu.Score / 100, 1e-8);
    }

    [Theory]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 4, 4, 2, 1 }, 0, 1, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 10, 11, 12, 0 }, 14, 10, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 0, 0, 0.0)]
    [InlineData(new long[] { 6, 5, 4, 0 }, new long[] { 6, 5, 4, 3 }, 6, 6, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 0, 0, 0.1)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 1, 5, 0.01)]
    public void Degenerate_statistics_score_exactly_zero(long[] matches, long[] totals, long hypothesis, long reference, double floor)
    {
        // test_bleu.py test_case_degenerate_stats ('floor' smoothing, expected exactly 0.0).
        var options = new BleuOptions { Smoothing = BleuSmoothing.Floor, SmoothValue = floor };
        Assert.Equal(0.0, Bleu.FromStatistics(matches, totals, hypothesis, reference, options).Score);
    }

    // test_sentence_bleu.py, from sacreBLEU issue #98: 13a tokenisation of Romanian with diacritics (ţ U+0163 in the
    // reference, ț U+021B in the hypothesis), effective order on.
    private const string RomanianReference = "producţia de zahăr brut se exprimă în zahăr alb;";
    private const string RomanianHypothesis =
        "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";

    [Theory]
    [InlineData(BleuSmoothing.Exponential, null, BleuTokenization.Mteval13a, 8.493)]
    [InlineData(BleuSmoothing.None, null, BleuTokenization.Mteval13a, 0.0)]
    [InlineData(BleuSmoothing.Floor, null, BleuTokenization.Mteval13a, 4.51688)]
    [InlineData(BleuSmoothing.Floor, 0.1, BleuTokenization.Mteval13a, 4.51688)]
    [InlineData(BleuSmoothing.Floor, 0.5, BleuTokenization.Mteval13a, 10.10)]
    [InlineData(BleuSmoothing.AddK, null, BleuTokenization.Mteval13a, 14.882)]
    [InlineData(BleuSmoothing.AddK, 1.0, BleuTokenization.Mteval13a, 14.882)]
    [InlineData(BleuSmoothing.AddK, 2.0, BleuTokenization.Mteval13a, 21.389)]
    [InlineData(BleuSmoothing.Exponential, null, BleuTokenization.None, 7.347)]
    public void Sentence_bleu_smoothing_cases(BleuSmoothing smoothing, double? value, BleuTokenization tokenization, double expected)
    {
        // test_sentence_bleu.py test_cases (EPSILON = 1e-3).
        var options = new BleuOptions
        {
            Smoothing = smoothing, SmoothValue = value, Tokenization = tokenization, EffectiveOrder = true,
        };
        Assert.Equal(expected, Bleu.Corpus([RomanianHypothesis], [RomanianReference], options).Score, 1e-3);
    }

    [Theory]
    [InlineData(BleuSmoothing.Exponential, null)]
    [InlineData(BleuSmoothing.None, null)]
    [InlineData(BleuSmoothing.Floor, null)]
    [InlineData(BleuSmoothing.Floor, 0.1)]
    [InlineData(BleuSmoothing.AddK, null)]
    [InlineData(BleuSmoothing.AddK, 1.0)]
    public void Sentences_without_any_match_score_zero(BleuSmoothing smoothing, double? value)
    {
        // test_sentence_bleu.py test_cases_zero_bleu (sacreBLEU issue #141): "this is a cat" vs "okay thanks" -> 0.0.
        var options = new BleuOptions { Smoothing = smoothing, SmoothValue = value, EffectiveOrder = true };
        Assert.Equal(0.0, Bleu.Corpus(["this is a cat"], ["okay thanks"], options).Score, 1e-3);
    }

    [Fact]
    public void A_sentence_without_any_reference_is_an_error_as_in_sacrebleu()
    {
        // sacreBLEU's _cache_references raises "Empty or `None` reference sentence found."
        Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a b c"], [""]));
    }

    [Fact]
    public void Mismatched_lengths_are_an_error()
    {
        Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], ["a"]));
        Assert.Throws<ArgumentException>(() => Bleu.Corpus([], []));
    }
}
