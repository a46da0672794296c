namespace TuningService.Core.Files;

/// <summary>
/// Maps the rows of one CSV/TSV file to prompt/completion <see cref="DatasetRecord"/>s under its
/// <see cref="CsvReadOptions"/>: the one place that does, for the validator and the reader alike.
/// </summary>
internal sealed class CsvRowMapper
{
    private readonly string[] _columns;
    private readonly PromptTemplate _prompt;
    private readonly PromptTemplate _completion;
    private readonly IReadOnlyDictionary<string, string>? _labels;
    private readonly int _taskIndex;
    private readonly int _idIndex;
    private readonly string _raggedHint;

    private CsvRowMapper(string[] columns, PromptTemplate prompt, PromptTemplate completion, CsvReadOptions options, DatasetContainer container)
    {
        _columns = columns;
        _prompt = prompt;
        _completion = completion;
        _labels = options.LabelMap;
        _taskIndex = options.TaskColumn is null ? -1 : Array.IndexOf(columns, options.TaskColumn);
        _idIndex = options.IdColumn is null ? -1 : Array.IndexOf(columns, options.IdColumn);
        _raggedHint = container == DatasetContainer.Tsv
            ? "a TSV value cannot contain a tab"
            : "quote a value that contains a comma, and double the quotes inside it";
    }

    /// <summary>Binds the options to the header (row 1); returns null and the problem when they do not fit it.</summary>
    public static CsvRowMapper? Bind(IReadOnlyList<string> header, CsvReadOptions options, DatasetContainer container, out string? error)
    {
        const string where = "row 1 (header)";
        string[] columns = [.. header];
        error = null;
        for (int i = 0; i < columns.Length && error is null; i++)
        {
            if (string.IsNullOrWhiteSpace(columns[i]))
                error = $"{where}: column {i + 1} has no name; every column needs one";
            else if (Array.IndexOf(columns, columns[i]) < i)
                error = $"{where}: column '{columns[i]}' appears twice";
        }
        PromptTemplate? prompt = null, completion = null;
        error ??= Parse(options.PromptTemplate, "prompt_template", out prompt) ?? Parse(options.CompletionTemplate, "completion_template", out completion);
        error ??= Missing(prompt!, "prompt_template", columns) ?? Missing(completion!, "completion_template", columns)
            ?? MissingColumn(options.TaskColumn, "task_column", columns) ?? MissingColumn(options.IdColumn, "id_column", columns);
        return error is null ? new CsvRowMapper(columns, prompt!, completion!, options, container) : null;

        string? Missing(PromptTemplate template, string name, string[] names) =>
            template.Placeholders.FirstOrDefault(p => !names.Contains(p)) is { } column
                ? $"{where}: {name} '{template.Text}' names column '{column}', which the header does not have (columns: {string.Join(", ", names)})"
                : null;

        string? MissingColumn(string? column, string name, string[] names) =>
            column is not null && !names.Contains(column)
                ? $"{where}: {name} '{column}' is not a column of the header (columns: {string.Join(", ", names)})"
                : null;
    }

    private static string? Parse(string text, string name, out PromptTemplate? template)
    {
        try
        {
            template = PromptTemplate.Parse(text);
            return null;
        }
        catch (FormatException ex)
        {
            template = null;
            return $"{name}: {ex.Message}";
        }
    }

    /// <summary>The record of one data row, or null and the problem (starting with <paramref name="where"/>).</summary>
    public DatasetRecord? Map(IReadOnlyList<string> values, long row, string where, out string? error)
    {
        if (values.Count != _columns.Length)
        {
            error = $"{where}: the row has {values.Count} field(s) but the header has {_columns.Length}; {_raggedHint}";
            return null;
        }
        var fields = new Dictionary<string, string>(_columns.Length + 2, StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
            fields[_columns[i]] = values[i];

        var completionFields = fields;
        if (_labels is not null)
        {
            completionFields = new Dictionary<string, string>(fields, StringComparer.Ordinal);
            foreach (string column in _completion.Placeholders)
            {
                if (!_labels.TryGetValue(fields[column], out var word))
                {
                    error = $"{where}: column '{column}' is '{Shorten(fields[column])}', which label_map does not map " +
                        $"(it maps {string.Join(", ", _labels.Keys.Select(k => $"'{k}'"))})";
                    return null;
                }
                completionFields[column] = word;
            }
        }
        string prompt = _prompt.Render(fields);
        string completion = _completion.Render(completionFields);
        if (string.IsNullOrWhiteSpace(completion))
        {
            error = $"{where}: the completion is empty (completion_template '{_completion.Text}' gave '{completion}')";
            return null;
        }
        fields["prompt"] = prompt;
        fields["completion"] = completion;
        error = null;
        return new DatasetRecord(row, FineTuneFormat.PromptCompletion, fields, null,
            Id: _idIndex >= 0 && values[_idIndex].Length > 0 ? values[_idIndex] : null,
            Task: _taskIndex >= 0 && values[_taskIndex].Length > 0 ? values[_taskIndex] : null);
    }

    // Values echoed back in messages come from the user's file; keep messages readable whatever they hold.
    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
