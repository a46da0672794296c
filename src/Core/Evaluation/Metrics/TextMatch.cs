using System.Text;

namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// Exact-match accuracy of generated answers against references, strict and SQuAD-normalised. Both are fractions in
/// [0, 1] (the SQuAD script reports percentages; divide its figure by 100 to compare).
/// </summary>
public static class TextMatch
{
    // string.punctuation in Python: the ASCII punctuation the SQuAD script removes, and nothing else.
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>
    /// The fraction of predictions equal to their reference, compared ordinally after trimming surrounding whitespace
    /// only (a generation that ends with a newline still matches; case and punctuation still count).
    /// </summary>
    public static double ExactMatch(IReadOnlyList<string> predictions, IReadOnlyList<string> references) =>
        FractionEqual(predictions, references, text => text.Trim());

    /// <summary>
    /// The fraction of predictions equal to their reference after <see cref="Normalize"/>: SQuAD v1.1's exact match.
    /// </summary>
    public static double NormalizedExactMatch(IReadOnlyList<string> predictions, IReadOnlyList<string> references) =>
        FractionEqual(predictions, references, Normalize);

    /// <summary>
    /// SQuAD v1.1's <c>normalize_answer</c> (evaluate-v1.1.py), in its order: lowercase (Python's <c>str.lower</c>),
    /// delete ASCII punctuation (no space is left: "U.S." becomes "us"), replace the whole words a, an and the with a
    /// space, then collapse whitespace runs to single spaces and trim.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lowered = PythonText.Lower(text);
        var withoutPunctuation = new StringBuilder(lowered.Length);
        foreach (var c in lowered)
        {
            if (!AsciiPunctuation.Contains(c, StringComparison.Ordinal)) withoutPunctuation.Append(c);
        }
        var withoutArticles = RemoveArticles(withoutPunctuation.ToString());
        return string.Join(' ', PythonText.Split(withoutArticles));
    }

    // re.sub(r'\b(a|an|the)\b', ' ', text) with Python 3's Unicode \b: a word is a run of letters, numbers or
    // underscores (.NET's \b counts marks and connector punctuation as word characters too, so it is not used).
    private static string RemoveArticles(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (!IsWordChar(text, i))
            {
                result.Append(text[i]);
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && IsWordChar(text, i)) i += char.IsSurrogatePair(text, i) ? 2 : 1;
            var word = text[start..i];
            result.Append(word is "a" or "an" or "the" ? " " : word);
        }
        return result.ToString();
    }

    private static bool IsWordChar(string text, int index)
    {
        if (text[index] == '_') return true;
        return char.IsLetterOrDigit(text, index) || char.IsNumber(text, index);
    }

    private static double FractionEqual(
        IReadOnlyList<string> predictions, IReadOnlyList<string> references, Func<string, string> canonical)
    {
        MetricArguments.RequirePairs(predictions, references);
        var equal = 0;
        for (var i = 0; i < predictions.Count; i++)
        {
            if (string.Equals(canonical(predictions[i]), canonical(references[i]), StringComparison.Ordinal)) equal++;
        }
        return (double)equal / predictions.Count;
    }
}
