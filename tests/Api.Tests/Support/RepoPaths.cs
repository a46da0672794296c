namespace TuningService.Api.Tests.Support;

/// <summary>Files of the repository the tests use (the shipped sample data and model).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    public static string BuiltInModel => Path.Combine(Root, "models", "babyllama-tinystories");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TuningService.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (TuningService.sln) above the test binaries.");
    }
}
