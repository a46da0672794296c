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
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="InvalidDataException">A record is not valid; the message names the line.</exception>
    public static IReadOnlyList<TrainingExample> Read(string path)
    {
        var examples = new List<TrainingExample>();
        long number = 0;
        foreach (string line in File.ReadLines(path, StrictUtf8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            examples.Add(ReadRecord(line, $"line {number}"));
        }
        return examples;
    }

    private static TrainingExample ReadRecord(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, FineTuneRecordValidator.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON; validate the file before reading it", ex);
        }
        using (document)
        {
            var record = document.RootElement;
            // The validator's own checks, so that reading cannot accept what validation would reject.
            string? error = FineTuneRecordValidator.DetectFormat(record, where, out var format)
                ?? (format == FineTuneFormat.Chat
                    ? FineTuneRecordValidator.CheckChat(record, where)
                    : FineTuneRecordValidator.CheckPromptCompletion(record, where));
            if (error is not null)
                throw new InvalidDataException(error);

            string? task = record.TryGetProperty("task", out var t) ? t.GetString() : null;
            return format == FineTuneFormat.Chat
                ? PlainChatTemplate.Render(ReadMessages(record.GetProperty("messages")), task)
                : new TrainingExample(record.GetProperty("prompt").GetString()!, record.GetProperty("completion").GetString()!, task);
        }
    }

    private static List<ChatMessage> ReadMessages(JsonElement messages) =>
        [.. messages.EnumerateArray().Select(m => new ChatMessage(
            m.GetProperty("role").GetString()!,
            m.GetProperty("content").GetString()!,
            m.TryGetProperty("weight", out var w) ? (int)w.GetDouble() : null))];
}
