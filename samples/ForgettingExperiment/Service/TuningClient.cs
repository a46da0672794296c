using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Samples.ForgettingExperiment.Service;

/// <summary>
/// The few calls the experiment makes, as any HTTP client would make them (OpenAI's wire shapes plus the service's
/// extensions). Answers are read as JSON trees rather than typed objects: this is a client, not a second copy of the
/// server's types. A non-success answer throws with the service's error message.
/// </summary>
public sealed class TuningClient(HttpClient http)
{
    private static readonly string[] FinishedStatuses = ["succeeded", "failed", "cancelled"];
    private static readonly string[] FinishedEvaluationStatuses = ["complete", "incomplete"];

    /// <summary>POST /v1/files (multipart, purpose=fine-tune); returns the file object.</summary>
    public async Task<JsonObject> UploadAsync(string path, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("fine-tune"), "purpose");
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(path, ct));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", Path.GetFileName(path));
        return await SendAsync(HttpMethod.Post, "v1/files", form, ct);
    }

    public Task<JsonObject> CreateJobAsync(JsonObject request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "v1/fine_tuning/jobs", Json(request), ct);

    public Task<JsonObject> GetJobAsync(string jobId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/fine_tuning/jobs/{jobId}", null, ct);

    public Task<JsonObject> GetEvaluationAsync(string jobId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/fine_tuning/jobs/{jobId}/evaluation", null, ct);

    public Task<JsonObject> GetMetricsAsync(string jobId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/fine_tuning/jobs/{jobId}/metrics", null, ct);

    public Task<JsonObject> GetEventsAsync(string jobId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/fine_tuning/jobs/{jobId}/events?limit=1000", null, ct);

    public Task<JsonObject> GetModelAsync(string modelId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/models/{modelId}", null, ct);

    public Task<JsonObject> CompleteAsync(JsonObject request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "v1/completions", Json(request), ct);

    /// <summary>Polls the job until it has finished, printing its progress when it changes; returns the final job.</summary>
    public async Task<JsonObject> WaitForJobAsync(string jobId, TimeSpan pollInterval, CancellationToken ct)
    {
        var last = "";
        while (true)
        {
            var job = await GetJobAsync(jobId, ct);
            var status = job["status"]!.GetValue<string>();
            var progress = job["progress"];
            var line = $"{status} {progress?["phase"]} step {progress?["step"]}/{progress?["total_steps"]}";
            if (line != last) Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {jobId}: {line}");
            last = line;
            if (FinishedStatuses.Contains(status)) return job;
            await Task.Delay(pollInterval, ct);
        }
    }

    /// <summary>
    /// Polls the job's evaluation until its status says nothing more will come; null (with a warning) from a service
    /// that has no evaluation endpoint, so the rest of the report can still be written.
    /// </summary>
    public async Task<JsonObject?> WaitForEvaluationAsync(string jobId, TimeSpan pollInterval, CancellationToken ct)
    {
        while (true)
        {
            JsonObject evaluation;
            try
            {
                evaluation = await GetEvaluationAsync(jobId, ct);
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                Console.WriteLine($"  no evaluation for {jobId}: {e.Message}");
                return null;
            }
            if (FinishedEvaluationStatuses.Contains(evaluation["status"]?.GetValue<string>())) return evaluation;
            await Task.Delay(pollInterval, ct);
        }
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var message = TryParse(body)?["error"]?["message"]?.GetValue<string>() ?? body;
            throw new HttpRequestException($"{method} /{path} answered {(int)response.StatusCode}: {message}", null, response.StatusCode);
        }
        return TryParse(body) as JsonObject ?? throw new InvalidDataException($"{method} /{path} answered with something other than a JSON object.");
    }

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
