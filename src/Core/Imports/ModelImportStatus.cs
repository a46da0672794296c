namespace TuningService.Core.Imports;

/// <summary>queued → downloading → verifying → succeeded | failed; succeeded → deleted when the model is deleted (the name is free again).</summary>
public static class ModelImportStatus
{
    public const string Queued = "queued";
    public const string Downloading = "downloading";
    public const string Verifying = "verifying";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>The model it imported was deleted. Written as the literal "deleted" by the catalog, which Imports builds on.</summary>
    public const string Deleted = "deleted";

    public static bool IsTerminal(string status) => status is Succeeded or Failed or Deleted;
}
