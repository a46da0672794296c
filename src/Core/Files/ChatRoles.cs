namespace TuningService.Core.Files;

/// <summary>The chat roles a fine-tune file may use (OpenAI's names; tool messages are not supported).</summary>
public static class ChatRoles
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}
