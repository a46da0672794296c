using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// Checks one parsed JSONL record against the two accepted schemas (OpenAI's prompt/completion and chat).
/// Each check returns the first problem as a complete message starting with <c>where</c> (e.g. "line 3"),
/// or null when the record is fine. Keys not named here are allowed and ignored.
/// </summary>
internal static class FineTuneRecordValidator
{
    // Duplicate keys are rejected: which of two 'completion' values a trainer would use is anyone's guess.
    internal static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    public static string? DetectFormat(JsonElement record, string where, out FineTuneFormat format)
    {
        format = default;
        if (record.ValueKind != JsonValueKind.Object)
            return $"{where}: expected a JSON object, got {KindName(record.ValueKind)}";

        bool chat = record.TryGetProperty("messages", out _);
        bool promptCompletion = record.TryGetProperty("prompt", out _) || record.TryGetProperty("completion", out _);
        if (chat && promptCompletion)
            return $"{where}: record mixes 'messages' (chat format) with 'prompt'/'completion'; use one format";
        if (!chat && !promptCompletion)
            return $"{where}: record has neither 'messages' (chat format) nor 'prompt' and 'completion' (prompt/completion format)";
        format = chat ? FineTuneFormat.Chat : FineTuneFormat.PromptCompletion;
        return null;
    }

    public static string? CheckPromptCompletion(JsonElement record, string where) =>
        RequireString(record, "prompt", where, out _)
        ?? RequireString(record, "completion", where, out var completion)
        ?? (string.IsNullOrWhiteSpace(completion) ? $"{where}: key 'completion' must not be empty" : null)
        ?? CheckTask(record, where);

    public static string? CheckChat(JsonElement record, string where)
    {
        if (!record.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            return $"{where}: key 'messages' must be an array, got {KindName(messages.ValueKind)}";

        bool anyAssistant = false, anyTrainable = false;
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string at = $"{where}, message {++index}";
            if (message.ValueKind != JsonValueKind.Object)
                return $"{at}: must be an object with 'role' and 'content', got {KindName(message.ValueKind)}";
            if (RequireString(message, "role", at, out var role) is { } roleError)
                return roleError;
            if (role is not (ChatRoles.System or ChatRoles.User or ChatRoles.Assistant))
                return $"{at}: role '{Shorten(role)}' is not supported; use 'system', 'user' or 'assistant'";
            if (RequireString(message, "content", at, out var content) is { } contentError)
                return contentError;

            bool assistant = role == ChatRoles.Assistant;
            if (assistant && string.IsNullOrWhiteSpace(content))
                return $"{at}: assistant 'content' must not be empty";
            bool trainable = true;
            if (message.TryGetProperty("weight", out var weight))
            {
                if (!assistant)
                    return $"{at}: key 'weight' is only allowed on assistant messages, this one is '{role}'";
                if (weight.ValueKind != JsonValueKind.Number || !weight.TryGetDouble(out var w) || w is not (0 or 1))
                    return $"{at}: key 'weight' must be 0 or 1, got {Describe(weight)}";
                trainable = w != 0;
            }
            anyAssistant |= assistant;
            anyTrainable |= assistant && trainable;
        }

        if (!anyAssistant)
            return $"{where}: no assistant message; a chat example needs at least one message with role 'assistant'";
        if (!anyTrainable)
            return $"{where}: every assistant message has weight 0, so there is nothing to train on; set weight 1 on one";
        return CheckTask(record, where);
    }

    /// <summary>'task' is optional, but the reader uses it (per-task metrics), so it must be a string when present.</summary>
    private static string? CheckTask(JsonElement record, string where) =>
        record.TryGetProperty("task", out var task) && task.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
            ? $"{where}: key 'task' must be a string, got {KindName(task.ValueKind)}"
            : null;

    private static string? RequireString(JsonElement obj, string key, string where, out string value)
    {
        value = "";
        if (!obj.TryGetProperty(key, out var element))
            return $"{where}: missing key '{key}'";
        if (element.ValueKind != JsonValueKind.String)
            return $"{where}: key '{key}' must be a string, got {KindName(element.ValueKind)}";
        value = element.GetString()!;
        return null;
    }

    private static string Describe(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? Shorten(element.GetRawText()) : KindName(element.ValueKind);

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // Values echoed back in messages come from the user's file; keep messages readable whatever they hold.
    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
