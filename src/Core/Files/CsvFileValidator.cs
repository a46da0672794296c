using System.Text.Unicode;
using CsvHelper;

namespace TuningService.Core.Files;

/// <summary>
/// Validates a CSV or TSV dataset file as it is read from a stream (see <see cref="CsvDialect"/> for the syntax and
/// <see cref="CsvReadOptions"/> for how rows become records). Memory is bounded by
/// <see cref="FineTuneValidationOptions.MaxLineBytes"/>, which here limits one row. Positions are row numbers, the
/// header being row 1.
/// </summary>
public static class CsvFileValidator
{
    public static async Task<FineTuneValidationResult> ValidateAsync(Stream input, DatasetContainer container, CsvReadOptions readOptions,
        FineTuneValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(readOptions);
        if (!container.IsDelimited())
            throw new ArgumentOutOfRangeException(nameof(container), container, "Only CSV and TSV files are read here.");
        options ??= new FineTuneValidationOptions();
        var errors = new ValidationErrorList(options.MaxErrors);
        long records = 0;

        // The parser may report a malformed record while scanning ahead; keep the reasons until the row comes up.
        var malformed = new Dictionary<long, CsvMalformedReason>();
        await using var csv = CsvReader.Create(input, CsvDialect.Options(container, options.MaxLineBytes, m => malformed.TryAdd(m.RecordNumber, m.Reason)), leaveOpen: true);
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            if (CheckHeader(csv.Headers, malformed, readOptions, container, errors) is { } mapper)
            {
                while (await csv.ReadAsync(cancellationToken))
                {
                    long row = csv.RowNumber + 1;
                    string where = CsvDialect.Where(row, csv.LineNumber);
                    if (malformed.Remove(row, out var reason))
                        errors.Add(row, $"{where}: {CsvDialect.Describe(reason)}");
                    else if (!Utf8.IsValid(csv.RawRecord))
                        errors.Add(row, $"{where}: {ValidationMessages.InvalidUtf8(csv.RawRecord, "row")}");
                    else if (mapper.Map(CsvDialect.Values(csv), row, where, out string? error) is null)
                        errors.Add(row, error!);
                    else
                        records++;
                }
                if (records == 0 && errors.Count == 0)
                    errors.Add(null, "the file has no records: it has a header row but no data rows");
            }
        }
        catch (CsvFormatException ex)
        {
            // A row over the limit: the parser cannot go on past it.
            errors.Add(ex.RecordNumber, CsvDialect.Describe(ex, options.MaxLineBytes));
        }
        return errors.ToResult(records > 0 ? FineTuneFormat.PromptCompletion : null, records, container) with { ReadOptions = readOptions };
    }

    private static CsvRowMapper? CheckHeader(IReadOnlyList<string> header, Dictionary<long, CsvMalformedReason> malformed,
        CsvReadOptions readOptions, DatasetContainer container, ValidationErrorList errors)
    {
        const string where = "row 1 (header)";
        if (header.Count == 0)
            errors.Add(null, $"the file has no header row; a {container.Describe()} file starts with a row naming its columns");
        else if (malformed.Remove(1, out var reason))
            errors.Add(1, $"{where}: {CsvDialect.Describe(reason)}");
        else if (header.Any(name => name.Contains('\uFFFD', StringComparison.Ordinal)))
            errors.Add(1, $"{where}: invalid UTF-8 in a column name; save the file as UTF-8");
        else if (CsvRowMapper.Bind(header, readOptions, container, out string? error) is { } mapper)
            return mapper;
        else
            errors.Add(1, error!);
        return null;
    }
}
