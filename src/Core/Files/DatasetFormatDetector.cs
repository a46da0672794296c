namespace TuningService.Core.Files;

/// <summary>Decides how an upload lays out its records (<c>format=auto</c>) from its first bytes and its name.</summary>
/// <remarks>
/// In order: the container asked for; a first non-blank byte '{' (JSON Lines) or '[' (a JSON array); a record format
/// asked for (JSON Lines, so that a broken first line is reported as such); the extension (.csv, .tsv or .tab,
/// .jsonl/.json/.ndjson); then the first line: a tab makes TSV, a comma CSV; anything else is read as JSON Lines,
/// whose errors then say why the first line is not a record.
/// </remarks>
internal static class DatasetFormatDetector
{
    /// <summary>The most bytes read ahead to decide: up to the end of the first non-blank line, at most this.</summary>
    public const int SniffBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public static DatasetContainer Detect(ReadOnlySpan<byte> prefix, DatasetUploadOptions upload)
    {
        if (upload.Container is { } asked)
            return asked;
        if (prefix.StartsWith(Bom))
            prefix = prefix[Bom.Length..];
        int first = prefix.IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && prefix[first] == (byte)'{')
            return DatasetContainer.Jsonl;
        if (first >= 0 && prefix[first] == (byte)'[')
            return DatasetContainer.Json;
        if (upload.Format is not null)
            return DatasetContainer.Jsonl;
        switch (Path.GetExtension(upload.Filename ?? "").ToLowerInvariant())
        {
            case ".csv": return DatasetContainer.Csv;
            case ".tsv" or ".tab": return DatasetContainer.Tsv;
            case ".jsonl" or ".json" or ".ndjson": return DatasetContainer.Jsonl;
        }
        if (first < 0)
            return DatasetContainer.Jsonl;
        var line = prefix[first..];
        int end = line.IndexOf((byte)'\n');
        if (end >= 0)
            line = line[..end];
        return line.Contains((byte)'\t') ? DatasetContainer.Tsv
            : line.Contains((byte)',') ? DatasetContainer.Csv
            : DatasetContainer.Jsonl;
    }

    /// <summary>Whether <paramref name="prefix"/> holds enough to decide: a non-blank line and its end.</summary>
    public static bool IsEnough(ReadOnlySpan<byte> prefix)
    {
        int first = prefix.IndexOfAnyExcept(" \t\r\n"u8);
        return prefix.Length >= SniffBytes || (first >= 0 && prefix[first..].Contains((byte)'\n'));
    }
}
