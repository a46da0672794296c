using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;

namespace TuningService.Core.ChatFormatting;

/// <summary>A message's content as text: a string, or OpenAI's list of parts of which only text parts are accepted.</summary>
public static class ChatContent
{
    public static string Text(JsonNode? content, int index)
    {
        if (content is JsonValue value && value.TryGetValue<string>(out var text)) return text;
        if (content is null) return "";
        if (content is JsonArray parts)
            return string.Concat(parts.Select(p =>
                p is JsonObject part && part["type"]?.GetValue<string>() == "text" && part["text"] is JsonValue t && t.TryGetValue<string>(out var s)
                    ? s
                    : throw new ChatTemplateException($"messages[{index}].content: only text parts are supported.", ChatTemplateErrorKind.Runtime)));
        throw new ChatTemplateException($"messages[{index}].content must be a string or a list of text parts.", ChatTemplateErrorKind.Runtime);
    }
}
