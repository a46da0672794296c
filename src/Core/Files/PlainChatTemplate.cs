using System.Text;

namespace TuningService.Core.Files;

/// <summary>
/// Renders a chat record as a prompt/completion pair, for base models that have no chat template of their own
/// (the shipped babyllama-tinystories is a character-level model trained on plain stories).
/// </summary>
/// <remarks>
/// The template, in full:
/// <list type="bullet">
/// <item>The target is the LAST assistant message whose weight is not 0 (absent weight means 1). One record gives
/// one example; messages after the target are dropped; earlier assistant messages are context, whatever their weight.</item>
/// <item>Each message before the target becomes "System: {content}", "User: {content}" or "Assistant: {content}".</item>
/// <item>The prompt is those turns followed by "Assistant:", all joined by a single space.</item>
/// <item>The completion is " " + the target's content: the prompt ends at the colon, so the space that follows it
/// belongs to the completion, as in OpenAI's legacy prompt/completion guidance and the SST-2 sample (" positive").</item>
/// </list>
/// Example: [system "Be brief.", user "Hi", assistant "Hello!"] gives prompt "System: Be brief. User: Hi Assistant:"
/// and completion " Hello!".
/// Turns are joined with " ", not "\n", because the shipped model's tokenizer has no newline piece and maps "\n" to
/// &lt;unk&gt;: a newline would put an unknown token at every turn boundary. Message content is not altered.
/// </remarks>
public static class PlainChatTemplate
{
    public const string TurnSeparator = " ";
    public const string AssistantCue = "Assistant:";

    /// <summary>Renders <paramref name="messages"/>; throws when no assistant message has weight other than 0.</summary>
    public static TrainingExample Render(IReadOnlyList<ChatMessage> messages, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        int target = -1;
        for (int i = messages.Count - 1; i >= 0 && target < 0; i--)
            if (messages[i].IsTrainable)
                target = i;
        if (target < 0)
            throw new ArgumentException("A chat example needs an assistant message with weight other than 0.", nameof(messages));

        return new TrainingExample(RenderPrompt(messages.Take(target).ToList()), " " + messages[target].Content, task);
    }

    /// <summary>The prompt that asks for the next assistant turn after <paramref name="messages"/> (used for inference).</summary>
    public static string RenderPrompt(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = new StringBuilder();
        foreach (var m in messages)
            prompt.Append(RoleLabel(m.Role)).Append(": ").Append(m.Content).Append(TurnSeparator);
        return prompt.Append(AssistantCue).ToString();
    }

    /// <summary>"System", "User" or "Assistant" for the roles the validator accepts.</summary>
    public static string RoleLabel(string role) => role switch
    {
        ChatRoles.System => "System",
        ChatRoles.User => "User",
        ChatRoles.Assistant => "Assistant",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Only system, user and assistant roles are rendered."),
    };
}
