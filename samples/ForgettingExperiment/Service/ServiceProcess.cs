using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TuningService.Samples.ForgettingExperiment.Service;

/// <summary>
/// The real service, started as a user would start it (<c>dotnet TuningService.Api.dll</c>) in a child process: its
/// own temporary data folder (SQLite database, uploads, checkpoints), the worker in-process, a free port on
/// 127.0.0.1. Its console output goes to service.log in the data folder. Disposing stops it and, unless asked to keep
/// it, deletes the data folder.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly bool _keepData;

    private ServiceProcess(Process process, StreamWriter log, Uri baseAddress, string dataDirectory, bool keepData)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _keepData = keepData;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public string LogPath => Path.Combine(DataDirectory, "service.log");

    public static async Task<ServiceProcess> StartAsync(string apiAssembly, bool keepData, TimeSpan startupTimeout)
    {
        if (!File.Exists(apiAssembly))
            throw new FileNotFoundException($"The API is not built at {apiAssembly}; build it (dotnet build src/Api -c Release) or pass --api.", apiAssembly);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "forgetting-experiment-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");

        var start = new ProcessStartInfo("dotnet")
        {
            // The API's folder is its content root: appsettings.json and the built-in models are found beside it.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(apiAssembly))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(apiAssembly));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Tuning__DataDir"] = dataDirectory;
        start.Environment["Tuning__RunWorkerInProcess"] = "true";

        var log = new StreamWriter(Path.Combine(dataDirectory, "service.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        // Both pipes must be drained, or the child blocks once a pipe buffer fills.
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, log, baseAddress, dataDirectory, keepData);
        try
        {
            await service.WaitUntilHealthyAsync(startupTimeout);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(service log unreadable: {e.Message})";
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} while starting:\n{LogTail()}");
            try
            {
                using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but busy (the database is being created).
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"The service did not answer /healthz within {timeout.TotalSeconds:F0} s:\n{LogTail()}");
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    /// <summary>A port the OS has just handed out, so very likely still free when the service binds it.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
        if (!_keepData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the exiting child; the folder is in the temp directory anyway.
            }
        }
    }
}
