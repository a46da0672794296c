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

    /// <summary>The OS process id (the job lease's owner names it: "{machine}:{pid}:{guid}").</summary>
    public int ProcessId => process.Id;

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

    /// <summary>Asks the process to stop as an orchestrator would (SIGTERM): it shuts down gracefully.</summary>
    public void Terminate() => Signal(Signals.Terminate);

    /// <summary>Freezes the process (SIGSTOP), as a long pause, a swapped-out VM or a network partition would look from outside.</summary>
    public void Suspend() => Signal(Signals.Stop);

    /// <summary>Lets a suspended process go on (SIGCONT).</summary>
    public void Continue() => Signal(Signals.Continue);

    void Signal(string signal) => Signals.Send(process.Id, signal);

    /// <summary>Waits until the output contains <paramref name="text"/>; false when the deadline passed first.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            await Task.Delay(100);
        }
        return Output.Contains(text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (disposed) return; // a test may dispose a worker that its scene disposes again
        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process.Dispose();
        GC.SuppressFinalize(this);
    }

    bool disposed;
}
