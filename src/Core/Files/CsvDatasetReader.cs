using System.Text.Unicode;
using CsvHelper;

namespace TuningService.Core.Files;

/// <summary>Reads a CSV/TSV file that <see cref="CsvFileValidator"/> accepted as prompt/completion records, row by row.</summary>
internal static class CsvDatasetReader
{
    /// <exception cref="InvalidDataException">A row is not valid; the message names it.</exception>
    public static IEnumerable<DatasetRecord> ReadRecords(string path, DatasetContainer container, CsvReadOptions readOptions,
        int maxRowBytes = FineTuneValidationOptions.DefaultMaxLineBytes)
    {
        long? malformedRow = null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        using var csv = CsvReader.Create(stream, CsvDialect.Options(container, maxRowBytes, m => malformedRow ??= m.RecordNumber), leaveOpen: false);
        csv.ReadHeader();
        var mapper = CsvRowMapper.Bind(csv.Headers, readOptions, container, out string? headerError)
            ?? throw new InvalidDataException(headerError);
        while (Next(csv, maxRowBytes))
        {
            long row = csv.RowNumber + 1;
            string where = CsvDialect.Where(row, csv.LineNumber);
            if (malformedRow is { } bad && bad <= row)
                throw new InvalidDataException($"row {bad}: malformed quoting; validate the file before reading it");
            if (!Utf8.IsValid(csv.RawRecord))
                throw new InvalidDataException($"{where}: {ValidationMessages.InvalidUtf8(csv.RawRecord, "row")}");
            yield return mapper.Map(CsvDialect.Values(csv), row, where, out string? error) ?? throw new InvalidDataException(error);
        }
    }

    private static bool Next(CsvReader csv, int maxRowBytes)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidDataException(CsvDialect.Describe(ex, maxRowBytes), ex);
        }
    }
}
