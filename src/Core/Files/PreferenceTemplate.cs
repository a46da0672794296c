namespace TuningService.Core.Files;

/// <summary>
/// Renders a preference record (OpenAI's DPO format) as one prompt and its two answers: the prompt is the input
/// messages asking for the next assistant turn, each answer follows it as a completion does (a leading space; the
/// example tokenizer ends it with EOS), so the preferred and the non-preferred answer share every prompt token.
/// </summary>
public static class PreferenceTemplate
{
    public const string PreferredField = "preferred";
    public const string NonPreferredField = "non_preferred";

    public static TrainingExample Render(IReadOnlyList<ChatMessage> messages, string preferred, string nonPreferred, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(preferred);
        ArgumentNullException.ThrowIfNull(nonPreferred);
        return new TrainingExample(RenderPrompt(messages), " " + preferred, task) { Rejected = " " + nonPreferred };
    }

    /// <summary>
    /// THE seam where a preference prompt is rendered: today as the supervised path renders a chat prompt
    /// (<see cref="PlainChatTemplate.RenderPrompt"/>); to be switched to the model's own chat template. 'tools' are
    /// not rendered by the plain template.
    /// </summary>
    public static string RenderPrompt(IReadOnlyList<ChatMessage> messages) => PlainChatTemplate.RenderPrompt(messages);
}
