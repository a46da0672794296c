namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// rouge-score's default tokenizer (<c>tokenize.tokenize</c> without a stemmer): Python-lowercase the text, treat every
/// run of characters other than ASCII a-z and 0-9 as a separator, keep the non-empty pieces. Letters outside ASCII are
/// separators too, exactly as in rouge-score, so "café" gives "caf".
/// </summary>
internal static class RougeTokenizer
{
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lowered = PythonText.Lower(text);
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= lowered.Length; i++)
        {
            var inToken = i < lowered.Length && lowered[i] is >= 'a' and <= 'z' or >= '0' and <= '9';
            if (inToken && start < 0) start = i;
            else if (!inToken && start >= 0)
            {
                tokens.Add(lowered[start..i]);
                start = -1;
            }
        }
        return tokens;
    }
}
