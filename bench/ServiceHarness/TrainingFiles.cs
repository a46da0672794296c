namespace TuningService.Bench.ServiceHarness;

/// <summary>Training files made from samples/sst2-sentiment-train.jsonl (200 prompt/completion records).</summary>
public static class TrainingFiles
{
    /// <summary>The sample repeated <paramref name="copies"/> times: more steps per epoch for a job that must run long.</summary>
    public static byte[] Sst2Sample(int copies)
    {
        var sample = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "samples", "sst2-sentiment-train.jsonl")).TrimEnd('\n') + "\n";
        return System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(sample, copies)));
    }
}
