using TuningService.Core.Evaluation.Metrics;

namespace TuningService.Core.Tests.Evaluation.Metrics;

/// <summary>
/// Expected values from Google's rouge-score package, rouge/rouge_scorer_test.py (google-research/google-research).
/// Note the argument order: rouge-score's <c>score(target, prediction)</c> is our <c>(prediction, reference)</c>.
/// </summary>
public class RougeTests
{
    private const int Places = 5; // assertAlmostEqual(..., 5) in the ROUGE-1.5.5 comparisons

    [Fact]
    public void Rouge1_of_a_one_word_prediction()
    {
        // testRouge1: score("testing one two", "testing") -> P 1, R 1/3, F 1/2.
        AssertMeasure(1, 1.0 / 3, 1.0 / 2, Rouge.RougeN("testing", "testing one two", 1));
    }

    [Fact]
    public void Rouge2_of_a_two_word_prediction()
    {
        // testRouge2: score("testing one two", "testing one") -> P 1, R 1/2, F 2/3.
        AssertMeasure(1, 1.0 / 2, 2.0 / 3, Rouge.RougeN("testing one", "testing one two", 2));
    }

    [Theory]
    [InlineData("testing one")] // testRougeLConsecutive
    [InlineData("testing two")] // testRougeLNonConsecutive
    public void RougeL_counts_subsequences_not_only_runs(string prediction)
    {
        // Both: P 1, R 2/3, F 4/5.
        AssertMeasure(1, 2.0 / 3, 4.0 / 5, Rouge.RougeL(prediction, "testing one two"));
    }

    [Fact]
    public void Multiple_types_agree_with_the_single_type_values()
    {
        // testMultipleRougeTypes: score("testing one two", "testing one"): rouge1 and rougeL both P 1, R 2/3, F 4/5.
        var scores = Rouge.Score("testing one", "testing one two");
        AssertAlmostEqual(4.0 / 5, scores.Rouge1);
        AssertAlmostEqual(4.0 / 5, scores.RougeL);
    }

    [Fact]
    public void An_empty_prediction_scores_zero()
    {
        // testRougeEmpty: score("testing one two", "") -> 0 for every type.
        Assert.Equal(new RougeScores(0, 0, 0), Rouge.Score("", "testing one two"));
        AssertMeasure(0, 0, 0, Rouge.RougeN("", "testing one two", 1));
        AssertMeasure(0, 0, 0, Rouge.RougeL("", "testing one two"));
    }

    // rouge/testdata/target.txt and prediction.txt, lines 0 and 1: random strings that exercise the tokenizer
    // (apostrophes, hyphens, commas and periods inside "words"). The expected values are ROUGE-1.5.5's.
    private const string Target0 =
        "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr " +
        "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";

    private const string Target1 =
        "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer " +
        "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion " +
        "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n";

    private const string Prediction0 =
        "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";

    private const string Prediction1 =
        "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed " +
        "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n";

    [Fact]
    public void Rouge1_against_rouge_1_5_5()
    {
        // testRouge1AgainstRouge155.
        AssertMeasure(0.68750, 0.40741, 0.51163, Rouge.RougeN(Prediction0, Target0, 1), Places);
        AssertMeasure(0.65385, 0.40476, 0.50000, Rouge.RougeN(Prediction1, Target1, 1), Places);
    }

    [Fact]
    public void Rouge2_against_rouge_1_5_5()
    {
        // testRouge2AgainstRouge155.
        AssertMeasure(0.53333, 0.30769, 0.39024, Rouge.RougeN(Prediction0, Target0, 2), Places);
        AssertMeasure(0.48000, 0.29268, 0.36364, Rouge.RougeN(Prediction1, Target1, 2), Places);
    }

    [Fact]
    public void RougeL_against_rouge_1_5_5()
    {
        // testRougeLAgainstRouge155.
        AssertMeasure(0.68750, 0.40741, 0.51163, Rouge.RougeL(Prediction0, Target0), Places);
        AssertMeasure(0.65385, 0.40476, 0.50000, Rouge.RougeL(Prediction1, Target1), Places);
    }

    [Fact]
    public void Score_reports_the_f1_of_each_type()
    {
        // The same ROUGE-1.5.5 figures through the three-way entry point.
        var scores = Rouge.Score(Prediction1, Target1);
        AssertAlmostEqual(0.50000, scores.Rouge1, Places);
        AssertAlmostEqual(0.36364, scores.Rouge2, Places);
        AssertAlmostEqual(0.50000, scores.RougeL, Places);
    }

    [Fact]
    public void Average_is_the_mean_of_the_pairs()
    {
        // Pairs from testRouge1 (F 1/2) and testMultipleRougeTypes (F 4/5): the mean is 0.65 for ROUGE-1.
        var average = Rouge.Average(["testing", "testing one"], ["testing one two", "testing one two"]);
        AssertAlmostEqual((1.0 / 2 + 4.0 / 5) / 2, average.Rouge1);
    }

    private static void AssertMeasure(double precision, double recall, double f1, RougeMeasure actual, int places = 7)
    {
        AssertAlmostEqual(precision, actual.Precision, places);
        AssertAlmostEqual(recall, actual.Recall, places);
        AssertAlmostEqual(f1, actual.F1, places);
    }

    // Python's unittest assertAlmostEqual(first, second, places): round(first - second, places) == 0.
    private static void AssertAlmostEqual(double expected, double actual, int places = 7) =>
        Assert.True(Math.Round(expected - actual, places) == 0, $"expected {expected}, got {actual} ({places} places)");
}
