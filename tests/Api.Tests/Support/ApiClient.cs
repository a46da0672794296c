using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Api.Tests.Support;

/// <summary>The calls a user makes, over real HTTP to the in-process server, answering parsed JSON.</summary>
public sealed class ApiClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public async Task<HttpResponseMessage> UploadAsync(byte[] content, string filename = "train.jsonl", string purpose = "fine-tune")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", filename);
        form.Add(new StringContent(purpose), "purpose");
        return await Http.PostAsync("/v1/files", form);
    }

    public async Task<string> UploadFileAsync(string path) => await UploadContentAsync(await File.ReadAllBytesAsync(path), Path.GetFileName(path));

    /// <summary>Uploads <paramref name="content"/> as a fine-tune file named <paramref name="filename"/>; answers its id.</summary>
    public async Task<string> UploadContentAsync(byte[] content, string filename)
    {
        using var response = await UploadAsync(content, filename);
        var body = await JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"upload failed: {(int)response.StatusCode} {body}");
        return body["id"]!.GetValue<string>();
    }

    public async Task<JsonObject> CreateJobAsync(object request, string? idempotencyKey = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/fine_tuning/jobs") { Content = JsonContent.Create(request) };
        if (idempotencyKey is not null) message.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await Http.SendAsync(message);
        var body = await JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"create job failed: {(int)response.StatusCode} {body}");
        return body;
    }

    public async Task<JsonObject> GetJsonAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var body = await JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} failed: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Polls the job until it reaches a terminal status (or the deadline), as a user would.</summary>
    public async Task<JsonObject> WaitForJobAsync(string jobId, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var job = await GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            var status = job["status"]!.GetValue<string>();
            if (status is "succeeded" or "failed" or "cancelled") return job;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId} still '{status}' after {deadline}: {job}");
            await Task.Delay(250);
        }
    }

    /// <summary>POST /v1/models/import with an archive and a name, as multipart/form-data.</summary>
    public async Task<HttpResponseMessage> ImportArchiveAsync(byte[] archive, string? name, string filename = "model.tar")
    {
        using var form = new MultipartFormDataContent();
        if (name is not null) form.Add(new StringContent(name), "name");
        var file = new ByteArrayContent(archive);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", filename);
        return await Http.PostAsync("/v1/models/import", form);
    }

    /// <summary>Polls a model import until it succeeds or fails (or the deadline passes).</summary>
    public async Task<JsonObject> WaitForImportAsync(string importId, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var import = await GetJsonAsync($"/v1/models/imports/{importId}");
            var status = import["status"]!.GetValue<string>();
            if (status is "succeeded" or "failed") return import;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Import {importId} still '{status}' after {deadline}: {import}");
            await Task.Delay(250);
        }
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject ?? throw new JsonException($"Not a JSON object: {text}");
    }
}
