using System.Security.Cryptography;
using System.Text.Json;
using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// A new JSONL dataset file written one record at a time, as <see cref="DatasetWriter"/> lays records out, so that
/// cleaning and splitting hold no more than one record of what they write. Disposing without
/// <see cref="Complete"/> leaves a partial file, which the caller deletes (it was made under tmp/ for that reason).
/// </summary>
public sealed class DatasetFileWriter : IDisposable
{
    readonly string path;
    readonly bool rendered;
    readonly FileStream stream;
    readonly Utf8JsonWriter writer;
    int count;

    /// <param name="rendered">Write each record as its rendered prompt/completion (<see cref="DatasetWriter.WritesRendered"/>).</param>
    public DatasetFileWriter(string path, bool rendered)
    {
        ArgumentNullException.ThrowIfNull(path);
        this.path = path;
        this.rendered = rendered;
        stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        writer = new Utf8JsonWriter(stream, DatasetWriter.WriterOptions);
    }

    public void Add(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        DatasetWriter.WriteLine(stream, writer, record, rendered);
        count++;
    }

    /// <summary>Closes the file; returns its size, sha256 (lower-case hex, read back from disk) and record count.</summary>
    public WrittenDataset Complete()
    {
        Dispose();
        using var read = File.OpenRead(path);
        return new WrittenDataset(read.Length, Convert.ToHexStringLower(SHA256.HashData(read)), count);
    }

    public void Dispose()
    {
        writer.Dispose();
        stream.Dispose();
    }
}
