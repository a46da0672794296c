using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace TuningService.Bench.IngestBench;

/// <summary>
/// The real API (its Program, Kestrel on a loopback port, SQLite in a temporary data folder) hosted in this process,
/// and an upload of the file over HTTP as multipart/form-data, streamed from disk by HttpClient. Peak RSS is the
/// process's, client included (the client streams the file and holds about one buffer of it).
/// </summary>
public static class HttpIngest
{
    public static async Task<IngestResult> RunAsync(string path)
    {
        string dataDir = Directory.CreateTempSubdirectory("ingest-bench-").FullName;
        int port = FreePort();
        string[] args = [$"--urls=http://127.0.0.1:{port}", $"--Tuning:DataDir={dataDir}", "--Tuning:RunWorkerInProcess=false",
            $"--Tuning:MaxUploadBytes={2L * 1024 * 1024 * 1024}", "--Logging:LogLevel:Default=Warning"];
        var entry = typeof(TuningService.Api.Files.UploadFile).Assembly.EntryPoint!;
        var server = new Thread(() => entry.Invoke(null, [args])) { IsBackground = true };
        server.Start();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30) };
            await WaitUntilUpAsync(http);
            double baseline = ProcessMemory.ResidentMb();
            ProcessMemory.ResetPeak();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            PerfWindow.Enable();
            var clock = Stopwatch.StartNew();
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent("fine-tune"), "purpose");
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var content = new StreamContent(file, 81920);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(content, "file", Path.GetFileName(path));
            using var response = await http.PostAsync("/v1/files", form);
            string body = await response.Content.ReadAsStringAsync();
            double seconds = clock.Elapsed.TotalSeconds;
            PerfWindow.Disable();
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            double peak = ProcessMemory.PeakResidentMb();
            if (response.StatusCode != HttpStatusCode.OK)
                return new IngestResult("http", Path.GetFileName(path), new FileInfo(path).Length, 0, seconds, cpuSeconds, baseline, peak, $"{(int)response.StatusCode}: {body}");
            var json = JsonNode.Parse(body)!;
            return new IngestResult("http", Path.GetFileName(path), json["bytes"]!.GetValue<long>(), json["record_count"]!.GetValue<long>(), seconds, cpuSeconds, baseline, peak,
                $"{json["format"]} {json["container"]}");
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task WaitUntilUpAsync(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The API did not start within a minute.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
