using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// What an upload says about its file besides the bytes: its name (for detection by extension), the format asked
/// for, and for CSV/TSV how rows become records. The defaults detect everything (<c>format=auto</c>).
/// </summary>
public sealed record DatasetUploadOptions
{
    /// <summary>The file's name as uploaded; its extension helps detection (.csv, .tsv, .jsonl, .json).</summary>
    public string? Filename { get; init; }

    /// <summary>The record format every record of a JSON file must have; null to detect it from the first record.</summary>
    public FineTuneFormat? Format { get; init; }

    /// <summary>The container the file must be read as; null to detect it.</summary>
    public DatasetContainer? Container { get; init; }

    /// <summary>How CSV/TSV rows become records; null for the defaults (columns "prompt" and "completion").
    /// Only allowed when the file turns out to be CSV/TSV.</summary>
    public CsvReadOptions? Csv { get; init; }

    /// <summary>
    /// The options from an upload form's fields. <paramref name="format"/> is auto (or empty), a record format
    /// (prompt_completion, chat, alpaca, text) or a container (jsonl, json, csv, tsv); <paramref name="labelMap"/> is a
    /// JSON object of strings. Templates are checked for syntax here; whether their columns exist is checked against
    /// the file's header.
    /// </summary>
    /// <exception cref="ArgumentException">A field is not valid; <see cref="ArgumentException.ParamName"/> is the form field.</exception>
    public static DatasetUploadOptions FromForm(string? filename, string? format, string? promptTemplate = null,
        string? completionTemplate = null, string? labelMap = null, string? taskColumn = null, string? idColumn = null)
    {
        var options = new DatasetUploadOptions { Filename = filename };
        switch (Blank(format))
        {
            case null or "auto":
                break;
            case var name when FineTuneFormatExtensions.TryParseWireName(name, out var recordFormat):
                options = options with { Format = recordFormat };
                break;
            case "jsonl" or "json" or "csv" or "tsv":
                options = options with { Container = DatasetContainerExtensions.FromWireName(format) };
                break;
            default:
                throw new ArgumentException($"format '{format}' is not known; use auto, prompt_completion, chat, alpaca, text, " +
                    "jsonl, json, csv or tsv", "format");
        }

        if (Blank(promptTemplate) is null && Blank(completionTemplate) is null && Blank(labelMap) is null
            && Blank(taskColumn) is null && Blank(idColumn) is null)
            return options;
        if (options.Format is { } json || options.Container is DatasetContainer.Jsonl or DatasetContainer.Json)
            throw new ArgumentException($"prompt_template, completion_template, label_map, task_column and id_column are for CSV/TSV " +
                $"files, but format is '{format}'; use format=auto, csv or tsv", "format");
        var csv = new CsvReadOptions
        {
            LabelMap = Blank(labelMap) is { } map ? ParseLabelMap(map) : null,
            TaskColumn = Blank(taskColumn),
            IdColumn = Blank(idColumn),
        };
        if (Blank(promptTemplate) is { } prompt)
            csv = csv with { PromptTemplate = CheckTemplate(prompt, "prompt_template") };
        if (Blank(completionTemplate) is { } completion)
            csv = csv with { CompletionTemplate = CheckTemplate(completion, "completion_template") };
        return options with { Csv = csv };
    }

    // A form field sent empty means "not given" (HTML forms and Swagger UI send empty fields).
    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string CheckTemplate(string text, string field)
    {
        try
        {
            PromptTemplate.Parse(text);
            return text;
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{field}: {ex.Message}", field, ex);
        }
    }

    private static Dictionary<string, string> ParseLabelMap(string json)
    {
        const string field = "label_map";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"label_map is not valid JSON: {ValidationMessages.JsonError(ex, withLine: false)}; " +
                "expected an object such as {\"0\": \"negative\", \"1\": \"positive\"}", field, ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"label_map must be a JSON object such as {{\"0\": \"negative\", \"1\": \"positive\"}}, " +
                    $"got {FineTuneRecordValidator.KindName(document.RootElement.ValueKind)}", field);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new ArgumentException($"label_map: the word for '{entry.Name}' must be a string, got " +
                        $"{FineTuneRecordValidator.KindName(entry.Value.ValueKind)}", field);
                if (!map.TryAdd(entry.Name, entry.Value.GetString()!))
                    throw new ArgumentException($"label_map: '{entry.Name}' is mapped twice", field);
            }
            if (map.Count == 0)
                throw new ArgumentException("label_map is empty; leave it out to use the column values as they are", field);
            return map;
        }
    }
}
