using System.Text;
using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// Reads a JSON Lines file that <see cref="FineTuneFileValidator"/> accepted into records or
/// <see cref="TrainingExample"/>s, one per record, in file order. Chat records are rendered with
/// <see cref="PlainChatTemplate"/>. (Other layouts: <see cref="DatasetReader"/>.)
/// </summary>
public static class TrainingExampleReader
{
    // Strict, so that a file changed after validation fails here instead of training on replacement characters.
    // StreamReader still detects and drops a UTF-8 BOM, and splits CRLF lines.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="InvalidDataException">A record is not valid; the message names the line.</exception>
    public static IReadOnlyList<TrainingExample> Read(string path) => [.. ReadRecords(path).Select(r => r.ToExample())];

    /// <summary>The JSONL file's records, unrendered, with their line numbers.</summary>
    /// <param name="path">The file.</param>
    /// <param name="format">The format every record must have (the stored file's); null to let the first record decide.</param>
    /// <exception cref="InvalidDataException">A record is not valid; the message names the line.</exception>
    public static IEnumerable<DatasetRecord> ReadRecords(string path, FineTuneFormat? format = null)
    {
        var formats = new RecordFormatTracker(format, "line");
        long number = 0;
        foreach (string line in File.ReadLines(path, StrictUtf8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            yield return ReadRecord(line, number, $"line {number}", formats);
        }
    }

    /// <summary>Parses and checks one JSON record with the validator's own rules, so that reading cannot accept what
    /// validation would reject.</summary>
    internal static DatasetRecord ReadRecord(ReadOnlyMemory<byte> json, long position, string where, RecordFormatTracker formats)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, FineTuneRecordValidator.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON; validate the file before reading it", ex);
        }
        using (document)
            return ToRecord(document.RootElement, position, where, formats);
    }

    // JsonDocument transcodes a string to UTF-8 itself, so parsing the line's bytes costs nothing extra.
    private static DatasetRecord ReadRecord(string line, long position, string where, RecordFormatTracker formats) =>
        ReadRecord(Encoding.UTF8.GetBytes(line), position, where, formats);

    private static DatasetRecord ToRecord(JsonElement record, long position, string where, RecordFormatTracker formats) =>
        formats.Check(record, position, where, out string? error) is { } format
            ? JsonRecordConverter.ToRecord(record, format, position)
            : throw new InvalidDataException(error);
}
