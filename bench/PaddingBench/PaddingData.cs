using System.IO.Compression;
using System.Text.Json;

namespace TuningService.Bench;

/// <summary>
/// Prompt/completion pairs from the files PaddingBench reads: SST-2's train.tsv, a JSONL file of
/// {"prompt", "completion"} records, or a folder of such files (a mix, e.g. the T0 samples: one file per template).
/// A file may be gzipped (name ending .gz), as the copies in bench/data are.
/// </summary>
public static class PaddingData
{
    // The self-instruct T0 files end every completion with GPT-3's end-of-text marker; a job's data would not hold it.
    private const string EndOfText = "<|endoftext|>";

    public static List<(string Prompt, string Completion)> Read(string path, int limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            // Round-robin over the files, so that a limit keeps every template in the mix.
            var files = Directory.GetFiles(path, "*.jsonl").Order(StringComparer.Ordinal).Select(f => Jsonl(f).ToList()).ToList();
            var longest = files.Count == 0 ? 0 : files.Max(f => f.Count);
            return [.. Enumerable.Range(0, longest).SelectMany(i => files.Where(f => i < f.Count).Select(f => f[i])).Take(limit)];
        }
        var isTsv = Path.GetFileName(path).Replace(".gz", "", StringComparison.OrdinalIgnoreCase).EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        return isTsv ? [.. Sst2Tsv(path).Take(limit)] : [.. Jsonl(path).Take(limit)];
    }

    /// <summary>train.tsv: a "sentence&lt;TAB&gt;label" header, then one sentence per line, label 1 (positive) or 0 (negative).</summary>
    private static IEnumerable<(string, string)> Sst2Tsv(string path) =>
        Lines(path).Skip(1)
            .Select(line => line.Split('\t'))
            .Select(f => ($"Review: {f[0].Trim()} Sentiment:", f[1] == "1" ? " positive" : " negative"));

    private static IEnumerable<(string, string)> Jsonl(string path) =>
        Lines(path).Where(line => !string.IsNullOrWhiteSpace(line)).Select(line =>
        {
            using var record = JsonDocument.Parse(line);
            var prompt = record.RootElement.GetProperty("prompt").GetString() ?? "";
            var completion = record.RootElement.GetProperty("completion").GetString() ?? "";
            if (completion.EndsWith(EndOfText, StringComparison.Ordinal)) completion = completion[..^EndOfText.Length];
            return (prompt, completion);
        });

    private static IEnumerable<string> Lines(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? GzippedLines(path) : File.ReadLines(path);

    private static IEnumerable<string> GzippedLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line) yield return line;
    }
}
