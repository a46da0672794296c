namespace TuningService.Core.Configuration;

/// <summary>Where things live under the data directory. Stored paths are relative to it, so the folder can move.</summary>
public sealed class DataPaths
{
    public DataPaths(string dataDir)
    {
        Root = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }
    public string SqliteDatabase => Path.Combine(Root, "tuning.db");
    public string Temp => Ensure(Path.Combine(Root, "tmp"));

    /// <summary>Models imported over the API, one Hugging Face folder per model id. Beside tmp/, so a staged folder moves in with a rename.</summary>
    public string ImportedModels => Path.Combine(Root, "models");

    public static string FileRelativePath(string fileId) => Path.Combine("files", fileId);
    public static string CheckpointRelativePath(string jobId, int step) => Path.Combine("jobs", jobId, $"step-{step}");
    public static string JobRelativePath(string jobId) => Path.Combine("jobs", jobId);

    public string Resolve(string relativePath) => Path.Combine(Root, relativePath);

    public string EnsureParent(string relativePath)
    {
        var full = Resolve(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    static string Ensure(string dir)
    {
        Directory.CreateDirectory(dir);
        return dir;
    }
}
