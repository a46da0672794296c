using System.Globalization;
using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// What makes two examples the same. Exact: identical prompt and completion. Normalised: the same once case,
/// whitespace and punctuation are ignored (<see cref="NormalizedText"/>). The record's id and task are not part
/// of either key: the same text under another id or task is the same example to a model.
/// </summary>
public static class DuplicateKeys
{
    public static (string Prompt, string Completion) Exact(TrainingExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return (example.Prompt, example.Completion);
    }

    public static (string Prompt, string Completion) Normalized(TrainingExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return (NormalizedText(example.Prompt), NormalizedText(example.Completion));
    }

    /// <summary>
    /// The letters, marks and digits of <paramref name="text"/> after NFKC, lower-cased, with everything else
    /// (whitespace, punctuation, symbols) removed: "Don't  stop!" and "do n't stop" both give "dontstop".
    /// Whitespace is removed rather than collapsed so that tokenised text (SST-2's "do n't") meets its plain form.
    /// Marks are kept because in many scripts (Devanagari vowel signs) they tell words apart.
    /// </summary>
    public static string NormalizedText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string folded;
        try
        {
            folded = text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            folded = text; // a lone surrogate has no normal form; its runes are still compared below
        }
        var key = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
        {
            if (IsKept(Rune.GetUnicodeCategory(rune)))
                key.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return key.ToString();
    }

    static bool IsKept(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}
