using CsvHelper;

namespace TuningService.Core.Files;

/// <summary>
/// How CSV and TSV files are parsed (CsvHelper), and the words for what can be wrong with a row; shared by the
/// validator and the reader.
/// </summary>
/// <remarks>
/// CSV is RFC 4180: a field may be quoted, and then holds separators, line breaks and doubled quotes; a quote
/// anywhere else, text after a closing quote, or a quote never closed is an error naming the row. TSV has no quoting
/// at all (as GLUE's and most exported TSVs: a quote is an ordinary character), so a value cannot hold a tab or a
/// line break. In both, the first row is the header, blank lines are skipped, spaces around a value are removed
/// (SST-2's sentences end in a space), and a row longer than the limit is an error before it is buffered whole.
/// </remarks>
internal static class CsvDialect
{
    public static CsvReaderOptions Options(DatasetContainer container, int maxRecordBytes, Action<CsvMalformedRecord>? onMalformed) =>
        CsvReaderOptions.Default with
        {
            Separator = container == DatasetContainer.Tsv ? '\t' : ',',
            Mode = container == DatasetContainer.Tsv ? CsvMode.NoEscape : CsvMode.Rfc4180,
            HasHeader = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            MaxRecordSize = maxRecordBytes,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = onMalformed,
        };

    /// <summary>"row 7" (as a spreadsheet numbers it, the header being row 1), with the line when that differs.</summary>
    public static string Where(long row, long line) => line > 0 && line != row ? $"row {row} (line {line})" : $"row {row}";

    public static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote (\") inside an unquoted value; quote the whole value and double the quotes inside it",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted value; double the quotes inside a quoted value",
        CsvMalformedReason.UnterminatedQuote => "a quoted value is never closed (its opening quote runs to the end of the file)",
        _ => $"malformed row ({reason})",
    };

    /// <summary>The message for an exception the parser threw at a row (the only one expected: a row over the limit).</summary>
    public static string Describe(CsvFormatException ex, int maxRecordBytes) =>
        ex.Message.Contains("MaxRecordSize", StringComparison.Ordinal)
            ? $"row {ex.RecordNumber}: the row is longer than the limit of {maxRecordBytes} bytes; shorten or split this example"
            : $"row {ex.RecordNumber}: {ex.Message}";

    public static List<string> Values(CsvReader csv)
    {
        var values = new List<string>(csv.FieldCount);
        for (int i = 0; i < csv.FieldCount; i++)
            values.Add(csv.GetString(i));
        return values;
    }
}
