using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace TuningService.Bench.StorageBench;

/// <summary>
/// One upload through the real API (its Program, Kestrel on a loopback port, SQLite in a fresh data folder) hosted in
/// this process, with Tuning:Storage:Kind=local or s3: wall time from the first byte sent to the answer, and peak
/// resident memory above the memory before the upload (client included: it streams the file from disk).
/// </summary>
public static class UploadRun
{
    public static async Task<UploadResult> RunAsync(string store, string file, string? s3Url)
    {
        string dataDir = Directory.CreateTempSubdirectory("storage-bench-api-").FullName;
        int port = FreePort();
        var args = new List<string>
        {
            $"--urls=http://127.0.0.1:{port}", $"--Tuning:DataDir={dataDir}", "--Tuning:RunWorkerInProcess=false",
            $"--Tuning:MaxUploadBytes={2L * 1024 * 1024 * 1024}", "--Logging:LogLevel:Default=Warning",
        };
        if (store == "s3")
            args.AddRange(["--Tuning:Storage:Kind=s3", $"--Tuning:Storage:S3:ServiceUrl={s3Url}", $"--Tuning:Storage:S3:Bucket={S3rverProcess.Bucket}",
                $"--Tuning:Storage:S3:Prefix=bench-{Guid.NewGuid():N}/", "--Tuning:Storage:S3:ForcePathStyle=true",
                $"--Tuning:Storage:S3:AccessKey={S3rverProcess.Key}", $"--Tuning:Storage:S3:SecretKey={S3rverProcess.Key}"]);
        var entry = typeof(TuningService.Api.Files.UploadFile).Assembly.EntryPoint!;
        var server = new Thread(() => entry.Invoke(null, [args.ToArray()])) { IsBackground = true };
        server.Start();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30) };
            await WaitUntilUpAsync(http);
            double baseline = ProcessMemory.ResidentMb();
            ProcessMemory.ResetPeak();
            var clock = Stopwatch.StartNew();
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent("fine-tune"), "purpose");
            await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var part = new StreamContent(content, 81920);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(part, "file", Path.GetFileName(file));
            using var response = await http.PostAsync("/v1/files", form);
            string body = await response.Content.ReadAsStringAsync();
            double seconds = clock.Elapsed.TotalSeconds;
            double peak = ProcessMemory.PeakResidentMb();
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"The upload failed: {(int)response.StatusCode} {body}");
            long bytes = JsonNode.Parse(body)!["bytes"]!.GetValue<long>();
            return new UploadResult(store, bytes, seconds, baseline, peak);
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    static async Task WaitUntilUpAsync(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The API did not start within a minute.");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
