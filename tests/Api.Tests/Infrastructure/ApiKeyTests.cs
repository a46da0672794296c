using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>API keys: 401 without a valid key, each owner sees only their own things, the dashboard is for admins.</summary>
public sealed class ApiKeyTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false",
        ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice", ["Tuning:ApiKeys:0:Admin"] = "true",
        ["Tuning:ApiKeys:1:Key"] = "key-bob", ["Tuning:ApiKeys:1:Owner"] = "bob",
    });

    public void Dispose() => factory.Dispose();

    ApiClient As(string? key)
    {
        var http = factory.CreateClient();
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ApiClient(http);
    }

    [Fact]
    public async Task No_key_or_a_wrong_key_gets_401_in_OpenAI_shape()
    {
        foreach (var key in new[] { null, "key-mallory" })
        {
            var response = await As(key).Http.GetAsync("/v1/files");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await ApiClient.JsonAsync(response);
            Assert.Equal("invalid_api_key", body["error"]!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Another_owner_gets_404_for_my_file_and_does_not_see_it_listed()
    {
        var alice = As("key-alice");
        var fileId = await alice.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var bob = As("key-bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/v1/files/{fileId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/v1/files/{fileId}/content")).StatusCode);
        Assert.Empty((await bob.GetJsonAsync("/v1/files"))["data"]!.AsArray());
        // Bob cannot train on Alice's file either.
        var create = await bob.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", new { model = "babyllama-tinystories", training_file = fileId });
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_admins_only()
    {
        Assert.Equal(HttpStatusCode.OK, (await As("key-alice").Http.GetAsync("/hangfire")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await As("key-bob").Http.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(null).Http.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task Tokenize_and_detokenize_need_a_key_like_completions()
    {
        List<(string Url, object Body)> requests =
        [
            ("/tokenize", new { model = "babyllama-tinystories", prompt = "x" }), ("/detokenize", new { model = "babyllama-tinystories", tokens = new[] { 1 } }),
        ];
        foreach (var (url, body) in requests)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await As(null).Http.PostAsJsonAsync(url, body)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await As("key-bob").Http.PostAsJsonAsync(url, body)).StatusCode);
        }
        var paths = (await As(null).GetJsonAsync("/swagger/v1/swagger.json"))["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/tokenize") && paths.ContainsKey("/detokenize"), "the OpenAPI document lists /tokenize and /detokenize");
    }

    [Fact]
    public async Task Health_and_swagger_need_no_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await As(null).Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(null).Http.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }
}
