using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// Checks one parsed JSON record (a JSONL line or a JSON array element) against the accepted schemas: OpenAI's
/// prompt/completion, chat and preference, Alpaca and plain text. Each check returns the first problem as a complete message
/// starting with <c>where</c> (e.g. "line 3"), or null when the record is fine. Keys not named here are allowed and
/// ignored. Every format may carry an optional 'task' (string) and 'id' (string or number).
/// </summary>
internal static class FineTuneRecordValidator
{
    // Duplicate keys are rejected: which of two 'completion' values a trainer would use is anyone's guess.
    internal static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    // The keys that say which format a record is in; a record with keys of two formats is ambiguous.
    private static readonly (FineTuneFormat Format, string[] Keys, string Description)[] FormatKeys =
    [
        (FineTuneFormat.PromptCompletion, ["prompt", "completion"], "'prompt'/'completion' (prompt_completion)"),
        (FineTuneFormat.Chat, ["messages"], "'messages' (chat)"),
        (FineTuneFormat.Alpaca, ["instruction", "output"], "'instruction'/'output' (alpaca)"),
        (FineTuneFormat.Text, ["text"], "'text' (text)"),
        (FineTuneFormat.Preference, ["preferred_output", "non_preferred_output"], "'input'/'preferred_output'/'non_preferred_output' (preference)"),
    ];

    public static string? DetectFormat(JsonElement record, string where, out FineTuneFormat format)
    {
        format = default;
        if (record.ValueKind != JsonValueKind.Object)
            return $"{where}: expected a JSON object, got {KindName(record.ValueKind)}";

        var present = FormatKeys.Where(f => f.Keys.Any(k => record.TryGetProperty(k, out _))).ToList();
        if (present.Count > 1)
            return $"{where}: record mixes the keys of several formats: {string.Join(" and ", present.Select(f => f.Description))}; use one format";
        if (present.Count == 0)
            return $"{where}: record has none of the keys of a known format: " +
                $"{string.Join(", ", FormatKeys.Select(f => f.Description))}";
        format = present[0].Format;
        return null;
    }

    /// <summary>Checks <paramref name="record"/> as a record of <paramref name="format"/> (no detection).</summary>
    public static string? Check(JsonElement record, FineTuneFormat format, string where)
    {
        if (record.ValueKind != JsonValueKind.Object)
            return $"{where}: expected a JSON object, got {KindName(record.ValueKind)}";
        return (format switch
        {
            FineTuneFormat.PromptCompletion => CheckPromptCompletion(record, where),
            FineTuneFormat.Chat => CheckChat(record, where),
            FineTuneFormat.Alpaca => CheckAlpaca(record, where),
            FineTuneFormat.Text => CheckText(record, where),
            FineTuneFormat.Preference => CheckPreference(record, where),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        }) ?? CheckTaskAndId(record, where);
    }

    public static string? CheckPromptCompletion(JsonElement record, string where) =>
        RequireString(record, "prompt", where, out _)
        ?? RequireNonEmptyString(record, "completion", where);

    /// <summary>'input' may be missing, null or empty: many Alpaca instructions need no input.</summary>
    public static string? CheckAlpaca(JsonElement record, string where) =>
        RequireNonEmptyString(record, "instruction", where)
        ?? (record.TryGetProperty("input", out var input) && input.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
            ? $"{where}: key 'input' must be a string, got {KindName(input.ValueKind)}"
            : input.ValueKind == JsonValueKind.String && !TryReadString(input, out _)
                ? $"{where}: key 'input' {InvalidUnicode}"
                : null)
        ?? RequireNonEmptyString(record, "output", where);

    public static string? CheckText(JsonElement record, string where) => RequireNonEmptyString(record, "text", where);

    /// <summary>
    /// OpenAI's preference record: 'input' an object with a non-empty 'messages' array (system, user and assistant
    /// messages, as in chat, without weights) and an optional 'tools' array; 'preferred_output' and
    /// 'non_preferred_output' each an array of exactly one assistant message with non-empty content.
    /// </summary>
    public static string? CheckPreference(JsonElement record, string where)
    {
        if (!record.TryGetProperty("input", out var input))
            return $"{where}: missing key 'input'";
        if (input.ValueKind != JsonValueKind.Object)
            return $"{where}: key 'input' must be an object with 'messages', got {KindName(input.ValueKind)}";
        if (!input.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            return $"{where}: key 'input.messages' must be an array, got {KindName(messages.ValueKind)}";
        if (messages.GetArrayLength() == 0)
            return $"{where}: key 'input.messages' must hold at least one message (the prompt)";
        if (input.TryGetProperty("tools", out var tools) && tools.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
            return $"{where}: key 'input.tools' must be an array, got {KindName(tools.ValueKind)}";
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string at = $"{where}, input.messages[{index++}]";
            if (CheckMessage(message, at, out _) is { } error)
                return error;
            if (message.TryGetProperty("weight", out _))
                return $"{at}: key 'weight' is not used in preference data; remove it";
        }
        return CheckPreferenceOutput(record, "preferred_output", where) ?? CheckPreferenceOutput(record, "non_preferred_output", where);
    }

    private static string? CheckPreferenceOutput(JsonElement record, string key, string where)
    {
        if (!record.TryGetProperty(key, out var output))
            return $"{where}: missing key '{key}'";
        if (output.ValueKind != JsonValueKind.Array || output.GetArrayLength() != 1)
            return $"{where}: key '{key}' must be an array of exactly one assistant message, got " +
                (output.ValueKind == JsonValueKind.Array ? $"{output.GetArrayLength()} messages" : KindName(output.ValueKind));
        var message = output[0];
        string at = $"{where}, {key}[0]";
        if (CheckMessage(message, at, out var role) is { } error)
            return error;
        if (role != ChatRoles.Assistant)
            return $"{at}: role must be 'assistant', got '{Shorten(role)}'";
        return RequireNonEmptyString(message, "content", at);
    }

    /// <summary>An object with a supported 'role' and a string 'content'.</summary>
    private static string? CheckMessage(JsonElement message, string at, out string role)
    {
        role = "";
        if (message.ValueKind != JsonValueKind.Object)
            return $"{at}: must be an object with 'role' and 'content', got {KindName(message.ValueKind)}";
        if (RequireString(message, "role", at, out role) is { } roleError)
            return roleError;
        if (role is not (ChatRoles.System or ChatRoles.User or ChatRoles.Assistant))
            return $"{at}: role '{Shorten(role)}' is not supported; use 'system', 'user' or 'assistant'";
        return RequireString(message, "content", at, out _);
    }

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
        return null;
    }

    /// <summary>
    /// 'task' is optional, but the reader uses it (per-task metrics), so it must be a string when present. 'id' is
    /// optional too; a number is accepted (many datasets number their records) and read as its JSON text.
    /// </summary>
    private static string? CheckTaskAndId(JsonElement record, string where) =>
        record.TryGetProperty("task", out var task) && task.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
            ? $"{where}: key 'task' must be a string, got {KindName(task.ValueKind)}"
            : task.ValueKind == JsonValueKind.String && !TryReadString(task, out _)
                ? $"{where}: key 'task' {InvalidUnicode}"
                : record.TryGetProperty("id", out var id) && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null)
                    ? $"{where}: key 'id' must be a string or a number, got {KindName(id.ValueKind)}"
                    : id.ValueKind == JsonValueKind.String && !TryReadString(id, out _)
                        ? $"{where}: key 'id' {InvalidUnicode}"
                        : null;

    private static string? RequireNonEmptyString(JsonElement obj, string key, string where) =>
        RequireString(obj, key, where, out var value)
        ?? (string.IsNullOrWhiteSpace(value) ? $"{where}: key '{key}' must not be empty" : null);

    private static string? RequireString(JsonElement obj, string key, string where, out string value)
    {
        value = "";
        if (!obj.TryGetProperty(key, out var element))
            return $"{where}: missing key '{key}'";
        if (element.ValueKind != JsonValueKind.String)
            return $"{where}: key '{key}' must be a string, got {KindName(element.ValueKind)}";
        return TryReadString(element, out value) ? null : $"{where}: key '{key}' {InvalidUnicode}";
    }

    private const string InvalidUnicode = "holds an escape that is not valid Unicode (a lone surrogate such as \\ud800); fix or remove it";

    /// <summary>A JSON string token may escape half a surrogate pair (<c>"\ud800"</c>): valid JSON, but not text,
    /// and <see cref="JsonElement.GetString"/> refuses it with an exception; here it is a reason to reject the record.</summary>
    private static bool TryReadString(JsonElement element, out string value)
    {
        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    private static string Describe(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? Shorten(element.GetRawText()) : KindName(element.ValueKind);

    internal static string KindName(JsonValueKind kind) => kind switch
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
