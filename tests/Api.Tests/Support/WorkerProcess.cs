using System.Diagnostics;
using System.Text;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// Runs src/Worker as a separate OS process (the build of the same configuration as these tests), pointed at the
/// given database and data directory, and kills it on dispose. Its output is kept for failure messages.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    public WorkerProcess(string postgresConnectionString, string dataDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "src", "Worker", "bin", configuration, "net10.0", "TuningService.Worker.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build src/Worker ({configuration}) first; {dll} is missing.");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ConnectionStrings__Postgres"] = postgresConnectionString;
        start.Environment["Tuning__DataDir"] = dataDir;
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Kills the process at once, as a crash or `kill -9` would: no shutdown, no cleanup.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process.Dispose();
    }
}
