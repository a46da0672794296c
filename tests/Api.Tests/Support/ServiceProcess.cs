using System.Diagnostics;
using System.Text;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// One of the service's programs (src/Api, src/Worker) run as a separate OS process from its build of the same
/// configuration as these tests, with the given environment; killed on dispose. Its output is kept, for the
/// assertions on what it says and for failure messages.
/// </summary>
public class ServiceProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    /// <param name="environment">The settings the program needs, then <paramref name="overrides"/>, a test's own, over them.</param>
    protected ServiceProcess(string project, string assemblyName, IReadOnlyDictionary<string, string> environment,
        IReadOnlyDictionary<string, string>? overrides)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "src", project, "bin", configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build src/{project} ({configuration}) first; {dll} is missing.");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment.Concat(overrides ?? new Dictionary<string, string>())) start.Environment[key] = value;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>True when the process ended within <paramref name="timeout"/>, its output read to the end.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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
        GC.SuppressFinalize(this);
    }
}
