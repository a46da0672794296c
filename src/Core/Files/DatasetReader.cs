using TuningService.Core.Persistence;

namespace TuningService.Core.Files;

/// <summary>
/// Reads a stored dataset file, whatever its container and format, as <see cref="DatasetRecord"/>s in file order.
/// The one place that knows how each format is laid out; everything downstream reads records. Records are read
/// lazily, one at a time, with the same checks as upload validation.
/// </summary>
public static class DatasetReader
{
    /// <summary>The records of <paramref name="file"/>, whose bytes are at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A record is not valid; the message names where.</exception>
    public static IEnumerable<DatasetRecord> Read(string path, StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(file);
        var container = DatasetContainerExtensions.FromWireName(file.Container);
        FineTuneFormat? format = file.Format is null ? null
            : FineTuneFormatExtensions.TryParseWireName(file.Format, out var f) ? f
            : throw new InvalidDataException($"File {file.Id} has an unknown format '{file.Format}'.");
        return container switch
        {
            DatasetContainer.Jsonl => TrainingExampleReader.ReadRecords(path, format),
            DatasetContainer.Json => JsonArrayReader.ReadRecords(path, format),
            _ => CsvDatasetReader.ReadRecords(path, container, CsvReadOptions.FromJson(file.ReadOptionsJson)),
        };
    }

    /// <summary>The file's records as training examples under each format's default rendering.</summary>
    public static IReadOnlyList<TrainingExample> ReadExamples(string path, StoredFile file, IChatExampleRenderer? chat = null) =>
        [.. Read(path, file).Select(r => r.ToExample(chat))];
}
