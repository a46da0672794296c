using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TuningService.Bench.ServiceHarness;

/// <summary>The few API calls the benchmarks make, as a user makes them, answering parsed JSON.</summary>
public sealed class TuningClient(HttpClient http)
{
    public const string BuiltInModel = "babyllama-tinystories";

    public HttpClient Http { get; } = http;

    /// <summary>Polls /healthz until it answers 200 (the database is reachable), or throws after the timeout.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, ServiceProcess service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"The API did not answer /healthz within {timeout}; its log ({service.LogPath}) ends:\n{service.LogTail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>POST /v1/files (purpose fine-tune); returns the file id.</summary>
    public async Task<string> UploadAsync(byte[] content, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", fileName);
        form.Add(new StringContent("fine-tune"), "purpose");
        using var response = await Http.PostAsync(new Uri("/v1/files", UriKind.Relative), form);
        return (await ReadAsync(response, "upload"))["id"]!.GetValue<string>();
    }

    /// <summary>POST /v1/fine_tuning/jobs: full fine-tuning of the built-in model; returns the job id.</summary>
    public async Task<string> CreateJobAsync(string trainingFileId, int epochs, int batchSize)
    {
        var request = new
        {
            model = BuiltInModel, training_file = trainingFileId,
            hyperparameters = new { n_epochs = epochs, batch_size = batchSize },
        };
        using var response = await Http.PostAsJsonAsync(new Uri("/v1/fine_tuning/jobs", UriKind.Relative), request);
        return (await ReadAsync(response, "create job"))["id"]!.GetValue<string>();
    }

    public async Task<JsonObject> GetJobAsync(string jobId)
    {
        using var response = await Http.GetAsync(new Uri($"/v1/fine_tuning/jobs/{jobId}", UriKind.Relative));
        return await ReadAsync(response, $"get job {jobId}");
    }

    /// <summary>POST .../cancel (which waits a few seconds for a running job's worker to stop), then waits for a terminal status.</summary>
    public async Task CancelAsync(string jobId, TimeSpan timeout)
    {
        using (var response = await Http.PostAsync(new Uri($"/v1/fine_tuning/jobs/{jobId}/cancel", UriKind.Relative), null))
        {
            // 400 job_not_cancellable: it finished on its own meanwhile, which is as good.
            if (!response.IsSuccessStatusCode && (int)response.StatusCode != 400) await ReadAsync(response, $"cancel {jobId}");
        }
        await WaitForTerminalAsync(jobId, timeout);
    }

    public async Task<JsonObject> WaitForTerminalAsync(string jobId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await GetJobAsync(jobId);
            if (IsTerminal(job)) return job;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId} still {Status(job)} after {timeout}.");
            await Task.Delay(100);
        }
    }

    public static string Status(JsonObject job) => job["status"]!.GetValue<string>();

    public static bool IsTerminal(JsonObject job) => Status(job) is "succeeded" or "failed" or "cancelled";

    /// <summary>progress.phase: null until the worker picks the job up, "training" from just before the first step.</summary>
    public static string? Phase(JsonObject job) => job["progress"]?["phase"]?.GetValue<string>();

    /// <summary>progress.step: the last step the trainer reported (it reports every few steps).</summary>
    public static int Step(JsonObject job) => job["progress"]?["step"]?.GetValue<int>() ?? 0;

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"{what}: not a JSON object: {text}");
    }
}
