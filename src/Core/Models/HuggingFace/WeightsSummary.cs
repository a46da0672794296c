namespace TuningService.Core.Models.HuggingFace;

/// <summary>How many numbers a checkpoint stores and how many bytes they take as stored (before any fp32 conversion).</summary>
public sealed record WeightsSummary(long Parameters, long Bytes)
{
    /// <summary>The totals over a folder's safetensors weights (one file or every shard of the index).</summary>
    public static WeightsSummary OfFolder(string folder) =>
        CheckpointReader.WeightFiles(folder).Select(SafetensorsHeader.Read)
            .Aggregate(new WeightsSummary(0, 0), (sum, f) => new WeightsSummary(sum.Parameters + f.Parameters, sum.Bytes + f.Bytes));
}
