namespace TuningService.Core.Datasets;

/// <summary>
/// Cuts a prompt's start until an example fits, as training's truncation does with tokens, but on text, so that
/// the cleaned file holds whole characters and, where possible, whole words.
/// </summary>
public static class PromptCutter
{
    /// <summary>
    /// The longest end of <paramref name="prompt"/> that fits with <paramref name="completion"/>, starting at a
    /// word where the prompt has one to start at; null when even an empty prompt does not fit.
    /// </summary>
    /// <remarks>
    /// A binary search over the cut position: a longer end of a prompt is, in practice, never fewer tokens. The
    /// result is checked and, if a tokenizer's merges made the search land one short, moved on until it fits.
    /// </remarks>
    public static string? CutToFit(string prompt, string completion, Func<string, string, bool> fits)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(fits);
        if (fits(prompt, completion)) return prompt;
        if (!fits("", completion)) return null;
        int tooLong = 0, fitting = prompt.Length;
        while (fitting - tooLong > 1)
        {
            var middle = tooLong + (fitting - tooLong) / 2;
            if (fits(prompt[middle..], completion)) fitting = middle;
            else tooLong = middle;
        }
        var start = ToWordStart(prompt, fitting);
        while (start < prompt.Length && !fits(prompt[start..], completion)) start++;
        return prompt[start..];
    }

    /// <summary>From inside a word, the start of the next one (if the prompt has one); never a split surrogate pair.</summary>
    static int ToWordStart(string prompt, int start)
    {
        if (start > 0 && start < prompt.Length && !char.IsWhiteSpace(prompt[start - 1]))
        {
            var next = start;
            while (next < prompt.Length && !char.IsWhiteSpace(prompt[next])) next++;
            while (next < prompt.Length && char.IsWhiteSpace(prompt[next])) next++;
            if (next < prompt.Length) start = next;
        }
        if (start < prompt.Length && char.IsLowSurrogate(prompt[start])) start++;
        return start;
    }
}
