namespace TuningService.Api.Files;

/// <summary>One part of a split: its name, the new file that holds it, how many records, and how many per label/task.</summary>
public sealed record SplitPartResponse(string Split, FileResponse File, int RecordCount, IReadOnlyDictionary<string, int> Distribution);
