namespace TuningService.Core.Files;

public static class FineTuneFormatExtensions
{
    /// <summary>The snake_case name used on the wire and in error messages: <c>prompt_completion</c> or <c>chat</c>.</summary>
    public static string ToWireName(this FineTuneFormat format) => format switch
    {
        FineTuneFormat.PromptCompletion => "prompt_completion",
        FineTuneFormat.Chat => "chat",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
