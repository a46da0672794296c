namespace TuningService.Core.Imports;

/// <summary>queued → downloading → verifying → succeeded | failed.</summary>
public static class ModelImportStatus
{
    public const string Queued = "queued";
    public const string Downloading = "downloading";
    public const string Verifying = "verifying";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static bool IsTerminal(string status) => status is Succeeded or Failed;
}
