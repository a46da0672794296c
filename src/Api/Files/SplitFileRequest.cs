namespace TuningService.Api.Files;

/// <summary>The body of POST /v1/files/{file_id}/split. No ratios: 0.8/0.1/0.1. Some ratios: a missing validation or
/// test share is 0 and a missing train share is the rest. The three must add up to 1.</summary>
public sealed class SplitFileRequest
{
    /// <example>0.8</example>
    public double? Train { get; set; }
    /// <example>0.1</example>
    public double? Validation { get; set; }
    /// <example>0.1</example>
    public double? Test { get; set; }
    /// <summary>Seeds the shuffle: the same seed on the same file gives the same split. Default: a random seed, returned in the response.</summary>
    /// <example>42</example>
    public int? Seed { get; set; }
    /// <summary>"auto" (default: by task for multi-task data, with labels inside classification tasks; by label for classification data; else none), "label", "task" or "none".</summary>
    /// <example>auto</example>
    public string? Stratify { get; set; }
}
