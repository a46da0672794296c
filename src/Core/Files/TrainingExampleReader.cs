using System.Text;
using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// Reads a file that <see cref="FineTuneFileValidator"/> accepted into <see cref="TrainingExample"/>s, one per
/// record, in file order. Chat records are rendered with <see cref="PlainChatTemplate"/>.
/// </summary>
public static class TrainingExampleReader
{
    // Strict, so that a file changed after validation fails here instead of training on replacement characters.
    // StreamReader still detects and drops a UTF-8 BOM, and splits CRLF lines.
    private static readonly Dictionary<string, string> EmptyFields = [];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="InvalidDataException">A record is not valid; the message names the line.</exception>
    public static IReadOnlyList<TrainingExample> Read(string path) => [.. ReadRecords(path).Select(r => r.ToExample())];

    /// <summary>The JSONL file's records, unrendered, with their line numbers.</summary>
    /// <exception cref="InvalidDataException">A record is not valid; the message names the line.</exception>
    public static IEnumerable<DatasetRecord> ReadRecords(string path)
    {
        long number = 0;
        foreach (string line in File.ReadLines(path, StrictUtf8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            yield return ReadRecord(line, number);
        }
    }

    private static DatasetRecord ReadRecord(string line, long number)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, FineTuneRecordValidator.JsonOptions);
        }
        catch (JsonException ex)
        {
            string where = $"line {number}";
            throw new InvalidDataException($"{where}: not valid JSON; validate the file before reading it", ex);
        }
        using (document)
        {
            var record = document.RootElement;
            string where = $"line {number}";
            // The validator's own checks, so that reading cannot accept what validation would reject.
            string? error = FineTuneRecordValidator.DetectFormat(record, where, out var format)
                ?? (format == FineTuneFormat.Chat
                    ? FineTuneRecordValidator.CheckChat(record, where)
                    : FineTuneRecordValidator.CheckPromptCompletion(record, where));
            if (error is not null)
                throw new InvalidDataException(error);

            string? task = record.TryGetProperty("task", out var t) ? t.GetString() : null;
            string? id = record.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            return format == FineTuneFormat.Chat
                ? new DatasetRecord(number, format, EmptyFields, ReadMessages(record.GetProperty("messages")), id, task)
                : new DatasetRecord(number, format, new Dictionary<string, string>
                {
                    ["prompt"] = record.GetProperty("prompt").GetString()!,
                    ["completion"] = record.GetProperty("completion").GetString()!,
                }, null, id, task);
        }
    }

    private static List<ChatMessage> ReadMessages(JsonElement messages) =>
        [.. messages.EnumerateArray().Select(m => new ChatMessage(
            m.GetProperty("role").GetString()!,
            m.GetProperty("content").GetString()!,
            m.TryGetProperty("weight", out var w) ? (int)w.GetDouble() : null))];
}
