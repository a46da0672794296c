namespace TuningService.Core.Files;

public static class FineTuneFormatExtensions
{
    /// <summary>The snake_case name used on the wire and in error messages: <c>prompt_completion</c>, <c>chat</c>,
    /// <c>alpaca</c>, <c>text</c> or <c>preference</c>.</summary>
    public static string ToWireName(this FineTuneFormat format) => format switch
    {
        FineTuneFormat.PromptCompletion => "prompt_completion",
        FineTuneFormat.Chat => "chat",
        FineTuneFormat.Alpaca => "alpaca",
        FineTuneFormat.Text => "text",
        FineTuneFormat.Preference => "preference",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The format whose wire name is <paramref name="name"/> (exact, lowercase).</summary>
    public static bool TryParseWireName(string? name, out FineTuneFormat format)
    {
        foreach (var candidate in Enum.GetValues<FineTuneFormat>())
        {
            if (candidate.ToWireName() == name)
            {
                format = candidate;
                return true;
            }
        }
        format = default;
        return false;
    }
}
