using System.Text;

namespace TuningService.Core.Datasets;

/// <summary>
/// Normalises one text field: Unicode form, then whitespace collapsing, then trimming.
/// </summary>
/// <remarks>
/// The seam: in this project an example is <c>prompt + completion</c> concatenated, so the whitespace where they
/// meet is part of what the model reads and learns (" positive" after "Sentiment:"; T0 prompts end with a line
/// break). Trimming therefore never removes the whitespace on a seam side (the prompt's end, the completion's
/// start); it reduces it to one character: a line break when the run held one, else a space. It never adds one
/// either. All other ends are trimmed fully.
/// </remarks>
public static class FieldNormalizer
{
    /// <param name="seamAtStart">The field's start meets the text before it (a completion's start).</param>
    /// <param name="seamAtEnd">The field's end meets the text after it (a prompt's end).</param>
    public static string Normalize(string text, CleaningOptions options, bool seamAtStart = false, bool seamAtEnd = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        var normalized = ApplyUnicode(text, options.Unicode);
        if (options.CollapseWhitespace) normalized = Collapse(normalized);
        if (options.TrimWhitespace) normalized = Trim(normalized, seamAtStart, seamAtEnd);
        return normalized;
    }

    static string ApplyUnicode(string text, UnicodeNormalization form)
    {
        if (form == UnicodeNormalization.None) return text;
        var normalizationForm = form == UnicodeNormalization.Nfc ? NormalizationForm.FormC : NormalizationForm.FormKC;
        try
        {
            return text.IsNormalized(normalizationForm) ? text : text.Normalize(normalizationForm);
        }
        catch (ArgumentException)
        {
            // A lone surrogate (a JSON "\ud800" escape decodes to one) has no normal form: leave the text as it is.
            return text;
        }
    }

    /// <summary>
    /// Within a line, a run of whitespace becomes one space. A run that holds line breaks keeps them (as LF, so
    /// CRLF and CR become LF) and the indentation after the last one, but loses the spaces before them: paragraph
    /// structure and code indentation carry meaning, trailing spaces do not.
    /// </summary>
    static string Collapse(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                result.Append(text[i++]);
                continue;
            }
            int lineBreaks = 0, indentStart = -1;
            for (; i < text.Length && char.IsWhiteSpace(text[i]); i++)
            {
                if (text[i] is not ('\n' or '\r')) continue;
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                lineBreaks++;
                indentStart = i + 1;
            }
            if (lineBreaks == 0) result.Append(' ');
            else result.Append('\n', lineBreaks).Append(text, indentStart, i - indentStart);
        }
        return result.ToString();
    }

    static string Trim(string text, bool seamAtStart, bool seamAtEnd)
    {
        int start = 0, end = text.Length;
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        if (start == end) return ""; // nothing but whitespace: empty, whatever the seams
        while (char.IsWhiteSpace(text[end - 1])) end--;
        var leading = seamAtStart && start > 0 ? SeamCharacter(text.AsSpan(0, start)) : "";
        var trailing = seamAtEnd && end < text.Length ? SeamCharacter(text.AsSpan(end)) : "";
        return string.Concat(leading, text.AsSpan(start, end - start), trailing);
    }

    static string SeamCharacter(ReadOnlySpan<char> whitespace) => whitespace.IndexOfAny('\n', '\r') >= 0 ? "\n" : " ";
}
