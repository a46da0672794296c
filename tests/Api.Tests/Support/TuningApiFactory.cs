using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// The real application in-process, on its own data directory, with SQLite (embedded mode) or a PostgreSQL
/// database of its own. Extra settings (API keys, no in-process worker) come as key/value pairs.
/// </summary>
public sealed class TuningApiFactory(string? postgresConnectionString = null, IReadOnlyDictionary<string, string>? settings = null,
    string? dataDir = null) : WebApplicationFactory<Program>
{
    /// <summary>Pass the same folder to a second factory to "restart" the service on the same data.</summary>
    public string DataDir { get; } = dataDir ?? Directory.CreateTempSubdirectory("tuning-test-").FullName;

    public bool KeepDataDir { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Tuning:DataDir", DataDir);
        builder.UseSetting("ConnectionStrings:Postgres", postgresConnectionString ?? "");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !KeepDataDir)
        {
            try { Directory.Delete(DataDir, recursive: true); }
            catch (IOException) { /* a file still open by a finishing job: the temp folder is cleaned by the OS */ }
        }
    }
}
