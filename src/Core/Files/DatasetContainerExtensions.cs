namespace TuningService.Core.Files;

public static class DatasetContainerExtensions
{
    /// <summary><c>jsonl</c>, <c>json</c>, <c>csv</c> or <c>tsv</c>, as stored in <see cref="Persistence.StoredFile.Container"/>.</summary>
    public static string ToWireName(this DatasetContainer container) => container switch
    {
        DatasetContainer.Jsonl => "jsonl",
        DatasetContainer.Json => "json",
        DatasetContainer.Csv => "csv",
        DatasetContainer.Tsv => "tsv",
        _ => throw new ArgumentOutOfRangeException(nameof(container), container, null),
    };

    /// <summary>A description for messages: "JSON Lines", "a JSON array", "CSV" or "TSV".</summary>
    public static string Describe(this DatasetContainer container) => container switch
    {
        DatasetContainer.Jsonl => "JSON Lines",
        DatasetContainer.Json => "a JSON array",
        DatasetContainer.Csv => "CSV",
        DatasetContainer.Tsv => "TSV",
        _ => throw new ArgumentOutOfRangeException(nameof(container), container, null),
    };

    public static bool IsDelimited(this DatasetContainer container) => container is DatasetContainer.Csv or DatasetContainer.Tsv;

    /// <summary>The container a stored file names; files stored before containers existed (null) are JSON Lines.</summary>
    /// <exception cref="InvalidDataException">The name is not one of the four.</exception>
    public static DatasetContainer FromWireName(string? name) => name switch
    {
        null or "jsonl" => DatasetContainer.Jsonl,
        "json" => DatasetContainer.Json,
        "csv" => DatasetContainer.Csv,
        "tsv" => DatasetContainer.Tsv,
        _ => throw new InvalidDataException($"Unknown dataset container '{name}'; expected jsonl, json, csv or tsv."),
    };
}
