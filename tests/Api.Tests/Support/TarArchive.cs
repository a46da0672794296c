using System.Formats.Tar;

namespace TuningService.Api.Tests.Support;

public static class TarArchive
{
    /// <summary>Extracts a downloaded tar into a new temp folder and returns the single top-level folder inside it.</summary>
    public static async Task<string> ExtractSingleFolderAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/x-tar", response.Content.Headers.ContentType?.MediaType);
        var target = Directory.CreateTempSubdirectory("tuning-download-").FullName;
        await using var stream = await response.Content.ReadAsStreamAsync();
        await TarFile.ExtractToDirectoryAsync(stream, target, overwriteFiles: false);
        return Assert.Single(Directory.GetDirectories(target));
    }
}
