namespace TuningService.Core.Datasets;

/// <summary>A dataset file just written: its size in bytes, sha256 (lower-case hex) and number of records.</summary>
public sealed record WrittenDataset(long Bytes, string Sha256, int RecordCount);
