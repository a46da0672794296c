namespace TuningService.Core.Files;

/// <summary>
/// Reads a stored dataset file, whatever its container and format, as <see cref="DatasetRecord"/>s in file order.
/// The one place that knows how each format is laid out; everything downstream reads records.
/// </summary>
public static class DatasetReader
{
    /// <summary>The records of <paramref name="file"/>, whose bytes are at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A record is not valid; the message names where.</exception>
    public static IEnumerable<DatasetRecord> Read(string path, StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return TrainingExampleReader.ReadRecords(path);
    }

    /// <summary>The file's records as training examples under each format's default rendering.</summary>
    public static IReadOnlyList<TrainingExample> ReadExamples(string path, StoredFile file) =>
        [.. Read(path, file).Select(r => r.ToExample())];
}
