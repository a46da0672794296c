using System.Net;
using System.Net.Http.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Completions;

public sealed class GenerationQueueTests
{
    [Fact]
    public async Task Requests_beyond_the_queue_get_429()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:MaxConcurrentGenerations"] = "1", ["Tuning:MaxQueuedGenerations"] = "0",
        });
        var http = factory.CreateClient();
        var request = new { model = "babyllama-tinystories", prompt = "Once", max_tokens = 200, temperature = 0 };
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => http.PostAsJsonAsync("/v1/completions", request)));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.Equal("rate_limit_exceeded", (await ApiClient.JsonAsync(refused[0]))["error"]!["code"]!.GetValue<string>());
    }
}
