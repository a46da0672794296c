using System.Text.RegularExpressions;

namespace TuningService.Core.Evaluation.Metrics;

/// <summary>
/// sacreBLEU's '13a' tokenizer, the tokenisation of NIST's mteval-v13a.pl: drop "&lt;skipped&gt;", join lines, unescape
/// four HTML entities, then split off punctuation and symbols, keeping "." and "," inside numbers (3.5, 1,000) and
/// splitting "-" only after a digit. The result is the tokens joined by single spaces.
/// </summary>
internal static partial class Tokenizer13a
{
    public static string Tokenize(string line)
    {
        line = line.Replace("<skipped>", "", StringComparison.Ordinal)
            .Replace("-\n", "", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal)
            .Replace("&quot;", "\"", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal)
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal);
        line = " " + line + " ";
        // The four substitutions of sacreBLEU's TokenizerRegexp, in its order; .NET's Regex.Replace scans leftmost and
        // non-overlapping like Python's re.sub, so the results agree.
        line = SymbolsPattern().Replace(line, " $1 ");
        line = PeriodCommaNotAfterDigitPattern().Replace(line, "$1 $2 ");
        line = PeriodCommaNotBeforeDigitPattern().Replace(line, " $1 $2");
        line = DashAfterDigitPattern().Replace(line, "$1 $2 ");
        return string.Join(' ', PythonText.Split(line));
    }

    // { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])")]
    private static partial Regex SymbolsPattern();

    [GeneratedRegex(@"([^0-9])([\.,])")]
    private static partial Regex PeriodCommaNotAfterDigitPattern();

    [GeneratedRegex(@"([\.,])([^0-9])")]
    private static partial Regex PeriodCommaNotBeforeDigitPattern();

    [GeneratedRegex(@"([0-9])(-)")]
    private static partial Regex DashAfterDigitPattern();
}
