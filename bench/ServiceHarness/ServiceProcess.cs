using System.Diagnostics;

namespace TuningService.Bench.ServiceHarness;

/// <summary>
/// src/Api or src/Worker, as built next to this program, running as its own process with the given settings
/// (environment variables, e.g. Tuning__DataDir). Its output goes to a log file; the process tree is killed on dispose.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool closed;

    private ServiceProcess(string dll, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        LogPath = logPath;
        log = new StreamWriter(logPath) { AutoFlush = true };
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            // The content root: appsettings.json and the built-in models lie beside the dll.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Note(e.Data);
        process.ErrorDataReceived += (_, e) => Note(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string LogPath { get; }

    public int Id => process.Id;

    /// <summary>Starts the API listening on http://127.0.0.1:<paramref name="port"/>.</summary>
    public static ServiceProcess Api(int port, IReadOnlyDictionary<string, string> environment, string logPath) =>
        new(Binary("Api"), new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }, logPath);

    /// <summary>Starts a worker (PostgreSQL mode only: it needs ConnectionStrings__Postgres).</summary>
    public static ServiceProcess Worker(IReadOnlyDictionary<string, string> environment, string logPath) =>
        new(Binary("Worker"), environment, logPath);

    /// <summary>
    /// Completes when the host logs that it has started (Microsoft.Hosting.Lifetime's "Application started", written
    /// after every hosted service, the Hangfire servers included, has started); throws if the process exits first.
    /// </summary>
    public async Task WaitUntilStartedAsync(TimeSpan timeout)
    {
        var exited = process.WaitForExitAsync();
        var done = await Task.WhenAny(started.Task, exited, Task.Delay(timeout));
        if (done == started.Task) return;
        throw new InvalidOperationException(
            (done == exited ? $"{Path.GetFileName(process.StartInfo.ArgumentList[0])} exited with {process.ExitCode}" : $"not started after {timeout}")
            + $"; its log ({LogPath}) ends:\n{LogTail()}");
    }

    public string LogTail(int lines = 30) => string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process.Dispose();
        lock (log)
        {
            closed = true;
            log.Dispose();
        }
    }

    private void Note(string? line)
    {
        if (line is null) return;
        lock (log)
        {
            if (!closed) log.WriteLine(line);
        }
        if (line.Contains("Application started", StringComparison.Ordinal)) started.TrySetResult();
    }

    private static string Binary(string project)
    {
        var name = $"TuningService.{project}";
        var dll = Path.Combine(RepositoryRoot.Find(), "src", project, "bin", RepositoryRoot.Configuration, "net10.0", $"{name}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/{project} ({RepositoryRoot.Configuration}) first: {dll} is missing.");
    }
}
