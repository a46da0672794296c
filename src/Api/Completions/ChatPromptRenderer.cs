using System.Text.Json.Nodes;
using TuningService.Api.Infrastructure;
using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Files;

namespace TuningService.Api.Completions;

/// <summary>
/// Renders a request's conversation with a model's <see cref="ChatFormat"/>, as /v1/chat/completions and /tokenize
/// both need it; every template error is the caller's (a 400 naming messages).
/// </summary>
public static class ChatPromptRenderer
{
    /// <param name="format">The model's format, or the one the request names.</param>
    /// <param name="prompt">The request's conversation.</param>
    /// <param name="addGenerationPrompt">End with the assistant's opening, for the model to answer.</param>
    /// <param name="continueFinalMessage">End inside the last message (a prefill to continue), as transformers'
    /// continue_final_message: the rendering is cut right after that message's content.</param>
    /// <param name="ct">Stops a long render (a template's loops) when the request is abandoned.</param>
    public static string Render(ChatFormat format, ChatPrompt prompt, bool addGenerationPrompt = true, bool continueFinalMessage = false,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(prompt);
        if (addGenerationPrompt && continueFinalMessage)
            throw ApiException.BadRequest("add_generation_prompt and continue_final_message cannot both be true: set add_generation_prompt to false to continue the last message.",
                "continue_final_message");
        if (format.IsPlain)
        {
            // The plain layout always ends with "Assistant:"; it has no way to leave a message open.
            if (continueFinalMessage)
                throw ApiException.BadRequest("continue_final_message needs a chat template; this model has none (it uses the plain System/User/Assistant layout).",
                    "continue_final_message");
            return PlainChatTemplate.RenderPrompt(ChatMessages.Parse(prompt.Messages));
        }
        var messages = ChatMessages.ForTemplate(prompt.Messages);
        if (prompt.TemplateVariables?.Select(p => p.Key).FirstOrDefault(ReservedVariables.Contains) is { } reserved)
            throw ApiException.BadRequest($"chat_template_kwargs may not set '{reserved}': give it as the request's own field.", "chat_template_kwargs");
        var variables = (prompt.TemplateVariables ?? new JsonObject()).ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        try
        {
            var rendered = format.RenderPrompt(messages, prompt.Tools?.DeepClone(), addGenerationPrompt && !continueFinalMessage, variables, ct);
            return continueFinalMessage ? CutAfterFinalMessage(rendered, messages) : rendered;
        }
        catch (ChatTemplateException e)
        {
            throw ApiException.BadRequest(e.Message, "messages");
        }
    }

    /// <summary>Variables the request's own fields set; a kwarg of the same name would silently replace them.</summary>
    static readonly HashSet<string> ReservedVariables = new(["messages", "tools", "documents", "add_generation_prompt"], StringComparer.Ordinal);

    /// <summary>The rendering up to the end of the last message's content (its trailing whitespace aside), where transformers cuts it.</summary>
    static string CutAfterFinalMessage(string rendered, JsonArray messages)
    {
        var final = ChatContent.Text(messages[^1]!["content"], messages.Count - 1).Trim();
        var at = final.Length == 0 ? -1 : rendered.LastIndexOf(final, StringComparison.Ordinal);
        if (at < 0)
            throw ApiException.BadRequest("continue_final_message is set but the chat template does not write the last message's content, so it cannot be continued.",
                "continue_final_message");
        return rendered[..(at + final.Length)];
    }
}
