using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>Turns a JSON record that <see cref="FineTuneRecordValidator"/> accepted into a <see cref="DatasetRecord"/>.</summary>
internal static class JsonRecordConverter
{
    private static readonly Dictionary<string, string> EmptyFields = [];

    public static DatasetRecord ToRecord(JsonElement record, FineTuneFormat format, long position)
    {
        string? task = record.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string? id = record.TryGetProperty("id", out var i) ? i.ValueKind switch
        {
            JsonValueKind.String => i.GetString(),
            JsonValueKind.Number => i.GetRawText(),
            _ => null,
        } : null;
        return format switch
        {
            FineTuneFormat.Chat => new DatasetRecord(position, format, EmptyFields, ReadMessages(record.GetProperty("messages")), id, task),
            FineTuneFormat.PromptCompletion => new DatasetRecord(position, format, Strings(record, "prompt", "completion"), null, id, task),
            FineTuneFormat.Alpaca => new DatasetRecord(position, format, new Dictionary<string, string>
            {
                ["instruction"] = record.GetProperty("instruction").GetString()!,
                ["input"] = record.TryGetProperty("input", out var input) ? input.GetString() ?? "" : "",
                ["output"] = record.GetProperty("output").GetString()!,
            }, null, id, task),
            FineTuneFormat.Text => new DatasetRecord(position, format, Strings(record, "text"), null, id, task),
            FineTuneFormat.Preference => new DatasetRecord(position, format, new Dictionary<string, string>
            {
                [PreferenceTemplate.PreferredField] = record.GetProperty("preferred_output")[0].GetProperty("content").GetString()!,
                [PreferenceTemplate.NonPreferredField] = record.GetProperty("non_preferred_output")[0].GetProperty("content").GetString()!,
            }, ReadMessages(record.GetProperty("input").GetProperty("messages")), id, task),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    private static Dictionary<string, string> Strings(JsonElement record, params string[] keys) =>
        keys.ToDictionary(k => k, k => record.GetProperty(k).GetString()!);

    private static List<ChatMessage> ReadMessages(JsonElement messages) =>
        [.. messages.EnumerateArray().Select(m => new ChatMessage(
            m.GetProperty("role").GetString()!,
            m.GetProperty("content").GetString()!,
            m.TryGetProperty("weight", out var w) ? (int)w.GetDouble() : null))];
}
