using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Core.Datasets;

/// <summary>
/// Writes records as JSONL, one JSON object per line, each in its own format: "id" first when it has one, then
/// its fields in their order (prompt/completion, instruction/input/output, text) or its "messages", then
/// "task" when it has one. Records read from CSV/TSV rows are written as their rendered prompt/completion
/// instead, since a row's columns mean nothing without the file's read options.
/// Cleaning and splitting write their files with it; <see cref="DatasetReader"/> reads them back.
/// </summary>
public static class DatasetWriter
{
    // Non-ASCII text stays readable in the file instead of \u-escaped; quotes, backslashes and control
    // characters are still escaped, which is all JSON needs. The files are data, never inlined in HTML.
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Whether records of <paramref name="source"/> are written as their rendered prompt/completion (CSV/TSV rows).</summary>
    public static bool WritesRendered(StoredFile source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Container is "csv" or "tsv";
    }

    /// <summary>The format of a JSONL file written from <paramref name="source"/>'s records: its own, or prompt_completion for CSV/TSV.</summary>
    public static string? OutputFormat(StoredFile source) =>
        WritesRendered(source) ? FineTuneFormat.PromptCompletion.ToWireName() : source.Format;

    /// <summary>Writes <paramref name="records"/> to a new file at <paramref name="path"/>.</summary>
    /// <param name="rendered">Write each record as its rendered prompt/completion (see <see cref="WritesRendered"/>).</param>
    /// <returns>The file's size, sha256 (lower-case hex) and record count.</returns>
    public static WrittenDataset WriteFile(string path, IEnumerable<DatasetRecord> records, bool rendered)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var file = new DatasetFileWriter(path, rendered);
        foreach (var record in records) file.Add(record);
        return file.Complete();
    }

    /// <summary>Writes <paramref name="records"/> to <paramref name="stream"/> as JSONL (UTF-8, LF line ends); returns how many.</summary>
    public static int Write(Stream stream, IEnumerable<DatasetRecord> records, bool rendered)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(records);
        var count = 0;
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        foreach (var record in records)
        {
            WriteLine(stream, writer, record, rendered);
            count++;
        }
        return count;
    }

    /// <summary>One record and its line end, through <paramref name="writer"/> (made on <paramref name="stream"/> with <see cref="WriterOptions"/>).</summary>
    internal static void WriteLine(Stream stream, Utf8JsonWriter writer, DatasetRecord record, bool rendered)
    {
        WriteRecord(writer, record, rendered);
        writer.Flush();
        stream.WriteByte((byte)'\n');
        writer.Reset(stream);
    }

    static void WriteRecord(Utf8JsonWriter writer, DatasetRecord record, bool rendered)
    {
        writer.WriteStartObject();
        if (record.Id is { } id) writer.WriteString("id", id);
        if (rendered)
        {
            var example = record.ToExample();
            writer.WriteString("prompt", example.Prompt);
            writer.WriteString("completion", example.Completion);
        }
        else if (record.Messages is { } messages)
        {
            writer.WriteStartArray("messages");
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role);
                writer.WriteString("content", message.Content);
                if (message.Weight is { } weight) writer.WriteNumber("weight", weight);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        else
        {
            // "id" and "task" are written from the record's own properties; a field of that name would repeat them.
            foreach (var (key, value) in record.Fields)
                if (!(key == "id" && record.Id is not null) && !(key == "task" && record.Task is not null))
                    writer.WriteString(key, value);
        }
        if (record.Task is { } task) writer.WriteString("task", task);
        writer.WriteEndObject();
    }
}
