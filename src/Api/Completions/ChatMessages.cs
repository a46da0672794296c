using System.Text.Json.Nodes;
using TuningService.Api.Infrastructure;
using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Files;

namespace TuningService.Api.Completions;

/// <summary>Reads chat request messages: for the plain layout as system/user/assistant text, for a template as JSON.</summary>
public static class ChatMessages
{
    /// <summary>The plain layout's messages: roles system (or developer), user and assistant, content as a string or text parts.</summary>
    public static IReadOnlyList<ChatMessage> Parse(JsonArray? messages) => [.. Objects(messages).Select((m, i) =>
    {
        var role = Role(m) switch
        {
            "system" or "developer" => ChatRoles.System,
            "user" => ChatRoles.User,
            "assistant" => ChatRoles.Assistant,
            var other => throw ApiException.BadRequest($"messages[{i}].role must be system, user or assistant, got '{other}'.", $"messages[{i}].role"),
        };
        if (m["content"] is null)
            throw ApiException.BadRequest($"messages[{i}].content must be a string or an array of text parts.", $"messages[{i}].content");
        return new ChatMessage(role, Content(m["content"], i));
    })];

    /// <summary>
    /// The messages a chat template is given: each as the request wrote it (tool_calls, name, tool_call_id and any
    /// other field pass through), with text-part content joined into one string, as templates expect a string.
    /// </summary>
    public static JsonArray ForTemplate(JsonArray? messages) => [.. Objects(messages).Select((m, i) =>
    {
        if (Role(m) is null) throw ApiException.BadRequest($"messages[{i}].role must be a string.", $"messages[{i}].role");
        var copy = (JsonObject)m.DeepClone();
        if (copy["content"] is JsonArray) copy["content"] = Content(copy["content"], i);
        return (JsonNode)copy;
    })];

    static IEnumerable<JsonObject> Objects(JsonArray? messages)
    {
        if (messages is null || messages.Count == 0) throw ApiException.BadRequest("messages must hold at least one message.", "messages");
        return messages.Select((m, i) => m as JsonObject
            ?? throw ApiException.BadRequest($"messages[{i}] must be an object with a role and content.", $"messages[{i}]"));
    }

    static string? Role(JsonObject message) => message["role"] is JsonValue v && v.TryGetValue<string>(out var role) ? role : null;

    static string Content(JsonNode? content, int index)
    {
        try
        {
            return ChatContent.Text(content, index);
        }
        catch (ChatTemplateException e)
        {
            throw ApiException.BadRequest(e.Message, $"messages[{index}].content");
        }
    }
}
