namespace TuningService.Core.Files;

/// <summary>
/// Reads a JSON array file that <see cref="JsonArrayFileValidator"/> accepted as records, one element at a time
/// (memory is bounded by one element and one chunk, whatever the file's size).
/// </summary>
internal static class JsonArrayReader
{
    private const int ChunkBytes = 64 * 1024;

    /// <exception cref="InvalidDataException">An element is not valid, or the array is broken; the message names where.</exception>
    public static IEnumerable<DatasetRecord> ReadRecords(string path, FineTuneFormat? format, int maxElementBytes = FineTuneValidationOptions.DefaultMaxLineBytes)
    {
        var formats = new RecordFormatTracker(format, "element");
        var splitter = new JsonArraySplitter(maxElementBytes);
        var ready = new Queue<DatasetRecord>();
        void OnElement(long number, long line, ReadOnlySpan<byte> json) =>
            ready.Enqueue(TrainingExampleReader.ReadRecord(json.ToArray(), number, $"element {number} (line {line})", formats));
        static void OnError(long? number, string message) => throw new InvalidDataException(message);

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.SequentialScan);
        var buffer = new byte[ChunkBytes];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            splitter.Feed(buffer.AsSpan(0, read), OnElement, OnError);
            while (ready.TryDequeue(out var record))
                yield return record;
        }
        splitter.Complete(OnElement, OnError);
        while (ready.TryDequeue(out var record))
            yield return record;
    }
}
