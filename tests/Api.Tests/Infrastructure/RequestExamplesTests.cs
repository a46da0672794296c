using System.Text;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// Every JSON body Swagger UI offers under "Try it out" is accepted as it stands (the job's with its placeholder file
/// id replaced by a real one, as a user must), so that a user who presses Execute gets an answer, not a 400.
/// </summary>
public sealed class RequestExamplesTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Every_example_body_in_the_openapi_document_is_accepted()
    {
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var document = await api.GetJsonAsync("/swagger/v1/swagger.json");
        var schemas = document["components"]!["schemas"]!.AsObject();
        var sent = new List<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            // The Hub import starts a download from huggingface.co (HubImportTests cover it with a local Hub).
            if (operations!["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"] is not { } reference || path == "/v1/models/import")
                continue;
            var example = schemas[reference.GetValue<string>().Split('/')[^1]]!["example"];
            Assert.True(example is not null, $"POST {path} has no example body: Swagger UI would build one from the types");
            // The webhook example names a public host, which registration resolves (this machine has no DNS);
            // WebhookEndpointsApiTests cover registration.
            if (path == "/v1/webhook_endpoints") continue;
            var url = path.Replace("{file_id}", file, StringComparison.Ordinal);
            var body = example.ToJsonString().Replace("file-abc123", file, StringComparison.Ordinal);
            var response = await api.Http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, $"POST {path} with its example {body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            sent.Add(path);
        }
        Assert.Contains("/v1/fine_tuning/jobs", sent);
        Assert.Contains("/v1/chat/completions", sent);
        Assert.Equal(8, sent.Count); // preview, clean, split, jobs, completions, chat, tokenize, detokenize
    }
}
