using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuningService.Core.Files;

/// <summary>
/// How the rows of a CSV/TSV file become prompt/completion records; stored with the file as JSON
/// (<see cref="Persistence.StoredFile.ReadOptionsJson"/>) so that every later read maps the rows the same way.
/// </summary>
/// <remarks>
/// For each row, the fields are the header's column names mapped to the row's values. The prompt is
/// <see cref="PromptTemplate"/> rendered from those fields. The completion is <see cref="CompletionTemplate"/>
/// rendered from the same fields except that, when <see cref="LabelMap"/> is given, the value of every column the
/// completion template names is first replaced by its label word: with label_map {"0": "negative", "1": "positive"}
/// and completion_template " {label}", a row whose label is 1 gets the completion " positive". A value the map does
/// not list is an error naming the row (a label missing from the map would otherwise train on a raw code). The
/// prompt always sees the raw values. Templates use <see cref="PromptTemplate"/>'s {column} syntax, so only
/// columns whose names are identifiers can be used in them.
/// </remarks>
public sealed record CsvReadOptions
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The prompt, e.g. "Review: {sentence} Sentiment:". Defaults to the column "prompt".</summary>
    public string PromptTemplate { get; init; } = "{prompt}";

    /// <summary>The completion, e.g. " {label}". Defaults to the column "completion".</summary>
    public string CompletionTemplate { get; init; } = "{completion}";

    /// <summary>Label words for the completion template's columns, e.g. {"0": "negative", "1": "positive"}.</summary>
    public IReadOnlyDictionary<string, string>? LabelMap { get; init; }

    /// <summary>The column holding each record's task (multi-task data); an empty value means none.</summary>
    public string? TaskColumn { get; init; }

    /// <summary>The column holding each record's id; an empty value means none.</summary>
    public string? IdColumn { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored options; the defaults when <paramref name="json"/> is null.</summary>
    /// <exception cref="InvalidDataException">The JSON is not read options.</exception>
    public static CsvReadOptions FromJson(string? json)
    {
        if (json is null)
            return new CsvReadOptions();
        try
        {
            return JsonSerializer.Deserialize<CsvReadOptions>(json, Json)
                ?? throw new InvalidDataException("The file's read options are null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The file's read options are not valid: {ex.Message}", ex);
        }
    }
}
