namespace TuningService.Core.Files;

/// <summary>How a dataset file lays out its records.</summary>
public enum DatasetContainer
{
    /// <summary>JSON Lines: one JSON object per line; wire name <c>jsonl</c>.</summary>
    Jsonl,

    /// <summary>One JSON array of objects; wire name <c>json</c>.</summary>
    Json,

    /// <summary>Comma-separated values with a header row, RFC 4180 quoting; wire name <c>csv</c>.</summary>
    Csv,

    /// <summary>Tab-separated values with a header row, no quoting (as GLUE's TSVs); wire name <c>tsv</c>.</summary>
    Tsv,
}
