using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Core.Files;

namespace TuningService.Api.Completions;

/// <summary>Reads chat request messages: roles system/user/assistant, content as a string or text parts.</summary>
public static class ChatMessages
{
    public static IReadOnlyList<ChatMessage> Parse(List<ChatMessageRequest>? messages)
    {
        if (messages is null || messages.Count == 0) throw ApiException.BadRequest("messages must hold at least one message.", "messages");
        return messages.Select((m, i) =>
        {
            var role = m.Role switch
            {
                "system" or "developer" => ChatRoles.System,
                "user" => ChatRoles.User,
                "assistant" => ChatRoles.Assistant,
                _ => throw ApiException.BadRequest($"messages[{i}].role must be system, user or assistant, got '{m.Role}'.", $"messages[{i}].role"),
            };
            return new ChatMessage(role, Content(m.Content, i));
        }).ToList();
    }

    static string Content(JsonElement? content, int index)
    {
        var param = $"messages[{index}].content";
        if (content is { ValueKind: JsonValueKind.String } s) return s.GetString()!;
        if (content is { ValueKind: JsonValueKind.Array } parts)
            return string.Concat(parts.EnumerateArray().Select(p =>
                p.ValueKind == JsonValueKind.Object && p.TryGetProperty("type", out var t) && t.GetString() == "text" && p.TryGetProperty("text", out var text)
                    ? text.GetString()
                    : throw ApiException.BadRequest("Only text content parts are supported.", param)));
        throw ApiException.BadRequest($"{param} must be a string or an array of text parts.", param);
    }
}
