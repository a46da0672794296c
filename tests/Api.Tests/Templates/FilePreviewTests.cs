using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Templates;

/// <summary>
/// POST /v1/files/{id}/preview on the shipped samples and model. Expected tokens are built from the model's
/// tokenizer alone: [BOS] + prompt + completion + [EOS], the loss on completion and EOS.
/// </summary>
public sealed class FilePreviewTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;
    readonly ITextTokenizer tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);

    public FilePreviewTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    async Task<(HttpStatusCode Status, JsonObject Body)> Preview(string fileId, object body)
    {
        var response = await api.Http.PostAsJsonAsync($"/v1/files/{fileId}/preview", body);
        return (response.StatusCode, await ApiClient.JsonAsync(response));
    }

    static List<JsonObject> Lines(string path) => [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())];

    static string Text(JsonNode? node) => node!.GetValue<string>();

    /// <summary>The example's tokens and loss mask are the tokenizer's: BOS, prompt, completion, EOS.</summary>
    void AssertTrainingTokens(JsonNode example, string prompt, string completion, bool trainOnInputs = false)
    {
        var promptIds = tokenizer.Encode(prompt);
        var completionIds = tokenizer.Encode(completion);
        var tokens = example["tokens"]!.AsArray();
        Assert.Equal([tokenizer.BosId!.Value, .. promptIds, .. completionIds, tokenizer.EosId!.Value], tokens.Select(t => t!["id"]!.GetValue<int>()));
        Assert.Equal([false, .. promptIds.Select(_ => trainOnInputs), .. completionIds.Select(_ => true), true], tokens.Select(t => t!["loss"]!.GetValue<bool>()));
        Assert.Equal(tokens.Count(t => t!["loss"]!.GetValue<bool>()), example["loss_tokens"]!.GetValue<int>());
        Assert.Equal(completion, string.Concat(tokens.Skip(1 + promptIds.Count).SkipLast(1).Select(t => Text(t!["text"]))));
        Assert.False(example["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Without_a_template_the_records_are_shown_as_training_tokenizes_them()
    {
        var path = RepoPaths.Sample("sst2-sentiment-train.jsonl");
        var file = await api.UploadFileAsync(path);
        var (status, body) = await Preview(file, new { limit = 4 });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("file.preview", Text(body["object"]));
        Assert.Equal("babyllama-tinystories", Text(body["model"]));
        Assert.Equal(256, body["max_seq_length"]!.GetValue<int>());
        Assert.Null(body["template"]);
        var records = Lines(path);
        var data = body["data"]!.AsArray();
        Assert.Equal(4, data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            Assert.Equal(i + 1, data[i]!["position"]!.GetValue<int>());
            Assert.Equal(Text(records[i]["prompt"]), Text(data[i]!["prompt"]));
            Assert.Equal(Text(records[i]["completion"]), Text(data[i]!["completion"]));
            AssertTrainingTokens(data[i]!, Text(records[i]["prompt"]), Text(records[i]["completion"]));
        }
        Assert.Empty(body["warnings"]!.AsArray());
    }

    [Fact]
    public async Task Train_on_inputs_puts_the_loss_on_the_prompt_too()
    {
        var path = RepoPaths.Sample("sst2-sentiment-train.jsonl");
        var (_, body) = await Preview(await api.UploadFileAsync(path), new { limit = 2, train_on_inputs = true });
        var first = Lines(path)[0];
        AssertTrainingTokens(body["data"]![0]!, Text(first["prompt"]), Text(first["completion"]), trainOnInputs: true);
    }

    [Fact]
    public async Task A_library_template_renders_each_record_with_its_seeded_phrasing()
    {
        var path = RepoPaths.Sample("multitask/hotpotqa-train.jsonl");
        var file = await api.UploadFileAsync(path);
        var template = new { name = "open_qa", fields = new { question = "prompt", answer = "completion" } };
        var (status, body) = await Preview(file, new { template, seed = 5, limit = 20 });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("open_qa", Text(body["template"]));

        var phrasings = (await api.GetJsonAsync("/v1/templates/open_qa"))["phrasings"]!.AsArray();
        var records = Lines(path);
        var data = body["data"]!.AsArray();
        Assert.Equal(20, data.Count);
        foreach (var example in data)
        {
            var record = records[example!["position"]!.GetValue<int>() - 1];
            var phrasing = phrasings[example["phrasing"]!.GetValue<int>()]!;
            var question = Text(record["prompt"]).Trim();
            var answer = Text(record["completion"]).Trim();
            var prompt = Text(phrasing["prompt"]).Replace("{question}", question).Replace("{answer}", answer);
            var completion = Text(phrasing["completion"]).Replace("{question}", question).Replace("{answer}", answer);
            Assert.Equal(prompt, Text(example["prompt"]));
            Assert.Equal(completion, Text(example["completion"]));
            AssertTrainingTokens(example, prompt, completion);
        }
        Assert.True(data.Select(e => e!["phrasing"]!.GetValue<int>()).Distinct().Count() >= 3, "20 records should get several phrasings");

        // The same seed gives the same phrasings; another seed others.
        var again = (await Preview(file, new { template, seed = 5, limit = 20 })).Body["data"]!.AsArray();
        Assert.Equal(data.Select(e => e!["phrasing"]!.GetValue<int>()), again.Select(e => e!["phrasing"]!.GetValue<int>()));
        var other = (await Preview(file, new { template, seed = 6, limit = 20 })).Body["data"]!.AsArray();
        Assert.NotEqual(data.Select(e => e!["phrasing"]!.GetValue<int>()), other.Select(e => e!["phrasing"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_newline_in_a_template_is_shown_as_unknown_to_the_model()
    {
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var (status, body) = await Preview(file, new { template = new { prompt = "{prompt}\n", completion = "{completion}" }, limit = 1 });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("custom", Text(body["template"]));
        Assert.Equal(1, body["data"]![0]!["unknown_tokens"]!.GetValue<int>());
        Assert.Contains("<unk>", Text(body["warnings"]![0]));
    }

    [Theory]
    [InlineData("""{"template": "sentimnt"}""", "template", "no template 'sentimnt'")]
    [InlineData("""{"template": "sentiment"}""", "template", "line 1 of")]
    [InlineData("""{"template": {"prompt": "{prompt", "completion": " x"}}""", "template", "never closed")]
    [InlineData("""{"limit": 51}""", "limit", "between 1 and 50")]
    [InlineData("""{"model": "gpt-5"}""", "model", "gpt-5")]
    public async Task Bad_requests_name_the_param(string json, string param, string message)
    {
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var response = await api.Http.PostAsync($"/v1/files/{file}/preview", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var error = (await ApiClient.JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, Text(error["param"]));
        Assert.Contains(message, Text(error["message"]));
    }

    [Fact]
    public async Task An_unknown_file_is_404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await Preview("file-nope", new { })).Status);
}
