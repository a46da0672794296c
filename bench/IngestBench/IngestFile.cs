using System.Text;
using System.Text.Json;

namespace TuningService.Bench.IngestBench;

/// <summary>A prompt/completion file of a given size under /tmp, JSON Lines or one JSON array of the same records,
/// made once and reused (deterministic content).</summary>
public static class IngestFile
{
    private static readonly string[] Words = ["the", "film", "is", "a", "quiet", "triumph", "of", "style", "over", "substance",
        "and", "its", "cast", "never", "quite", "finds", "rhythm", "but", "every", "scene", "looks", "gorgeous"];

    public static string Ensure(int megabytes, bool array)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ingest-bench-{megabytes}mb.{(array ? "json" : "jsonl")}");
        long target = megabytes * 1024L * 1024L;
        if (File.Exists(path) && new FileInfo(path).Length >= target)
            return path;
        var random = new Random(megabytes);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        long written = 0;
        if (array)
            writer.Write("[\n");
        var sentence = new StringBuilder();
        for (long i = 0; written < target; i++)
        {
            sentence.Clear();
            int count = random.Next(8, 60);
            for (int w = 0; w < count; w++)
                sentence.Append(w == 0 ? "" : " ").Append(Words[random.Next(Words.Length)]);
            string line = JsonSerializer.Serialize(new { prompt = $"Review: {sentence} Sentiment:", completion = i % 2 == 0 ? " positive" : " negative" });
            if (array && i > 0)
                writer.Write(",\n");
            writer.Write(line);
            if (!array)
                writer.Write('\n');
            written += Encoding.UTF8.GetByteCount(line) + 1;
        }
        if (array)
            writer.Write("\n]\n");
        return path;
    }
}
