namespace TuningService.Core.Tests.Files;

/// <summary>Paths of files shipped in the repository (samples/), found from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Path(params string[] relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "TuningService.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return System.IO.Path.Combine([directory.FullName, .. relative]);
    }
}
