namespace TuningService.Core.Tests.Models;

/// <summary>Where the model fixtures live: test fixtures in the output folder, the shipped model at the repo root.</summary>
internal static class TestPaths
{
    public static string Fixture(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static string LlamaTiny => Fixture("models", "llama-tiny");

    public static string BabyLlama => Path.Combine(RepoRoot, "models", "babyllama-tinystories");

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "TuningService.sln")))
                    return dir.FullName;
            throw new DirectoryNotFoundException("TuningService.sln not found above the test output folder.");
        }
    }
}
