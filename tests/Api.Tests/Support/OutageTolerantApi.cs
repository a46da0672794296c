using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A user's polling that goes on through a database outage: an answer of 5xx, a refused connection or a timeout is
/// retried until the deadline. The failed answers are kept, so a test can say what the API answered meanwhile and
/// whether each had the OpenAI error shape (<c>{"error": {"message", "type", ...}}</c>, no stack trace).
/// </summary>
public sealed class OutageTolerantApi(ApiClient api)
{
    readonly List<string> failures = [];

    /// <summary>Each answer that was not a success while polling: "503 {body}", or the transport error.</summary>
    public IReadOnlyList<string> Failures
    {
        get { lock (failures) return failures.ToList(); }
    }

    /// <summary>The failed answers that were HTTP answers but not an OpenAI-shaped error, or that show a stack trace.</summary>
    public IReadOnlyList<string> BadlyShapedFailures => Failures.Where(f => f.Length > 4 && char.IsDigit(f[0]) && !IsOpenAiError(f[4..])).ToList();

    public async Task<JsonObject> GetJsonAsync(string url, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            string failure;
            try
            {
                using var response = await api.Http.GetAsync(url);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode) return JsonNode.Parse(text) as JsonObject ?? throw new JsonException($"Not a JSON object: {text}");
                // A 4xx is the test's mistake, not the outage.
                Assert.True((int)response.StatusCode >= 500, $"GET {url}: {(int)response.StatusCode} {text}");
                failure = $"{(int)response.StatusCode} {text}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failure = $"{e.GetType().Name}: {e.Message}";
            }
            lock (failures) failures.Add(failure);
            if (DateTime.UtcNow > until) throw new TimeoutException($"GET {url} did not succeed within {deadline}; last: {failure}");
            await Task.Delay(250);
        }
    }

    /// <summary>One GET, as a user would try during the outage: its status code, or null when the API did not answer (kept in <see cref="Failures"/>).</summary>
    public async Task<int?> ProbeAsync(string url)
    {
        try
        {
            using var response = await api.Http.GetAsync(url);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync();
                lock (failures) failures.Add($"{(int)response.StatusCode} {text}");
            }
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            lock (failures) failures.Add($"{e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>Polls until the job's progress reaches <paramref name="step"/>; fails if the job ends first.</summary>
    public async Task WaitForStepAsync(string jobId, int step, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var job = await GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}", deadline);
            if (job["progress"]!["step"]!.GetValue<int>() >= step) return;
            var status = job["status"]!.GetValue<string>();
            if (status is "succeeded" or "failed" or "cancelled") throw new InvalidOperationException($"Job {jobId} ended ({status}) before step {step}: {job}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId} did not reach step {step}: {job}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until the job reaches a terminal status.</summary>
    public async Task<JsonObject> WaitForJobAsync(string jobId, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var job = await GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}", deadline);
            var status = job["status"]!.GetValue<string>();
            if (status is "succeeded" or "failed" or "cancelled") return job;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId} still '{status}' after {deadline}: {job}");
            await Task.Delay(250);
        }
    }

    static bool IsOpenAiError(string body)
    {
        if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception:", StringComparison.Ordinal)) return false;
        try
        {
            return JsonNode.Parse(body) is JsonObject { } root && root["error"] is JsonObject error
                && error["message"] is JsonValue && error["type"] is JsonValue;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
