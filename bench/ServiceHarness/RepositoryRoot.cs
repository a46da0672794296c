namespace TuningService.Bench.ServiceHarness;

/// <summary>The folder holding TuningService.sln, found by walking up from this program's folder.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TuningService.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No TuningService.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Release or Debug: the configuration this program was built in, so it starts the service built alongside.</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
