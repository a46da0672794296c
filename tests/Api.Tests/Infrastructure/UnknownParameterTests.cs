using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// A field a JSON body's type lacks, at any depth and on every endpoint with a JSON body, is a 400 that names it with its
/// path and the nearest known name; nothing is created. A wrong value of a known field keeps its own message.
/// </summary>
public sealed class UnknownParameterTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public UnknownParameterTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    async Task<JsonObject> ErrorAsync(string url, string body)
    {
        var response = await api.Http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 from {url}, got {(int)response.StatusCode}: {json}");
        return json["error"]!.AsObject();
    }

    async Task AssertUnknownAsync(string url, string body, string param, string nearest)
    {
        var error = await ErrorAsync(url, body);
        Assert.Equal($"Unknown parameter '{param}'. Did you mean '{nearest}'?", error["message"]!.GetValue<string>());
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Equal("unknown_parameter", error["code"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
    }

    const string Job = "/v1/fine_tuning/jobs";
    const string Model = "\"model\": \"babyllama-tinystories\"";

    [Theory]
    [InlineData("""{"model": "babyllama-tinystories", "training_file": "file-x", "hyperparameters": {"lerning_rate": 0.001}}""", "hyperparameters.lerning_rate", "learning_rate")]
    [InlineData("""{"model": "babyllama-tinystories", "trainig_file": "file-x"}""", "trainig_file", "training_file")]
    [InlineData("""{"model": "babyllama-tinystories", "training_file": "file-x", "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epoch": 2}}}}""",
        "method.supervised.hyperparameters.n_epoch", "n_epochs")]
    [InlineData("""{"model": "babyllama-tinystories", "training_file": "file-x", "method": {"type": "dpo", "dpo": {"hyperparameters": {"betta": 0.1}}}}""",
        "method.dpo.hyperparameters.betta", "beta")]
    [InlineData("""{"model": "babyllama-tinystories", "training_file": "file-x", "method": {"typ": "supervised"}}""", "method.typ", "type")]
    [InlineData("""{"model": "babyllama-tinystories", "tasks": [{"name": "a", "training_file": "file-x"}, {"name": "b", "trainig_file": "file-y"}]}""",
        "tasks[1].trainig_file", "training_file")]
    [InlineData("""{"model": "babyllama-tinystories", "training_file": "file-x", "mixing": {"strategy": "temperature", "temprature": 2}}""", "mixing.temprature", "temperature")]
    public async Task A_misspelled_job_field_is_named_with_the_nearest_known_name_and_nothing_is_queued(string body, string param, string nearest)
    {
        await AssertUnknownAsync(Job, body, param, nearest);
        Assert.Empty((await api.GetJsonAsync(Job))["data"]!.AsArray());
    }

    [Fact]
    public async Task A_field_far_from_every_known_name_lists_the_known_names()
    {
        var error = await ErrorAsync(Job, """{"model": "babyllama-tinystories", "training_file": "file-x", "hyperparameters": {"zzzzzzzz": 1}}""");
        var message = error["message"]!.GetValue<string>();
        Assert.StartsWith("Unknown parameter 'hyperparameters.zzzzzzzz'. The parameters of 'hyperparameters' are: ", message);
        Assert.Contains("learning_rate_multiplier", message);
        Assert.Equal("hyperparameters.zzzzzzzz", error["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_value_of_a_known_field_keeps_its_own_message() =>
        Assert.Equal("seed", (await ErrorAsync(Job, """{"model": "babyllama-tinystories", "training_file": "file-x", "seed": "abc"}"""))["param"]!.GetValue<string>());

    [Theory]
    [InlineData("/v1/completions", $$"""{ {{Model}}, "prompt": "Once", "max_token": 4 }""", "max_token", "max_tokens")]
    [InlineData("/v1/chat/completions", $$"""{ {{Model}}, "messages": [{"role": "user", "content": "Hi"}], "temprature": 0 }""", "temprature", "temperature")]
    [InlineData("/tokenize", $$"""{ {{Model}}, "promt": "Once" }""", "promt", "prompt")]
    [InlineData("/detokenize", $$"""{ {{Model}}, "token": [1, 2] }""", "token", "tokens")]
    [InlineData("/v1/files/file-x/clean", """{ "drop_duplicate": true }""", "drop_duplicate", "drop_duplicates")]
    [InlineData("/v1/files/file-x/split", """{ "trian": 0.8 }""", "trian", "train")]
    [InlineData("/v1/files/file-x/preview", """{ "limt": 3 }""", "limt", "limit")]
    [InlineData("/v1/models/import", """{ "source": "hf", "repo": "google/flan-t5-small", "revison": "main" }""", "revison", "revision")]
    public async Task Every_endpoint_with_a_json_body_names_an_unknown_field(string url, string body, string param, string nearest) =>
        await AssertUnknownAsync(url, body, param, nearest);

    [Fact]
    public async Task A_wandb_integration_is_refused_as_unsupported_and_nothing_is_queued()
    {
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var error = await ErrorAsync(Job, $$$"""{ {{{Model}}}, "training_file": "{{{file}}}", "integrations": [{"type": "wandb", "wandb": {"project": "p"}}] }""");
        Assert.Equal("integrations", error["param"]!.GetValue<string>());
        Assert.Equal("unsupported_integration", error["code"]!.GetValue<string>());
        Assert.Contains("'wandb' is not supported", error["message"]!.GetValue<string>());
        var other = await ErrorAsync(Job, $$"""{ {{Model}}, "training_file": "{{file}}", "integrations": [{"type": "mlflow"}] }""");
        Assert.Contains("supports no integrations", other["message"]!.GetValue<string>());
        Assert.Equal("integrations", (await ErrorAsync(Job, $$"""{ {{Model}}, "training_file": "{{file}}", "integrations": "wandb" }"""))["param"]!.GetValue<string>());
        Assert.Empty((await api.GetJsonAsync(Job))["data"]!.AsArray());

        // An empty list asks for nothing: the job is created, and shows no integration.
        var job = await api.CreateJobAsync(JsonNode.Parse($$"""{ {{Model}}, "training_file": "{{file}}", "integrations": [] }""")!);
        Assert.Empty(job["integrations"]!.AsArray());
    }
}
