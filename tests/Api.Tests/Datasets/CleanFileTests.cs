using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Datasets;

public sealed class CleanFileTests : IDisposable
{
    readonly TuningApiFactory factory = new();
    readonly ApiClient api;

    public CleanFileTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    static string Line(string prompt, string completion) =>
        new JsonObject { ["prompt"] = prompt, ["completion"] = completion }.ToJsonString() + "\n";

    async Task<string> UploadAsync(string content)
    {
        var response = await api.UploadAsync(Encoding.UTF8.GetBytes(content));
        var body = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["id"]!.GetValue<string>();
    }

    async Task<(HttpStatusCode Status, JsonObject Body)> CleanAsync(string fileId, object? options = null)
    {
        var response = await api.Http.PostAsJsonAsync($"/v1/files/{fileId}/clean", options ?? new { });
        return (response.StatusCode, await ApiClient.JsonAsync(response));
    }

    static JsonNode Rule(JsonObject report, string name) => report["rules"]!.AsArray().Single(r => r!["rule"]!.GetValue<string>() == name)!;

    [Fact]
    public async Task Cleaning_makes_a_new_linked_file_and_a_report_and_leaves_the_original_alone()
    {
        var content = Line("Review: a fine film . Sentiment:", " positive")
            + Line("Review:  a fine film . Sentiment:", "   positive")        // a duplicate once whitespace is normalised
            + Line("REVIEW: a fine film! Sentiment:", " Positive")           // a duplicate ignoring case and punctuation
            + Line("  ", " negative")                                        // empty prompt (uploads refuse an empty completion)
            + Line("Review: " + string.Join(" ", Enumerable.Repeat("long and winding", 30)) + " . Sentiment:", " negative")
            + Line("Review: dull . Sentiment:", " negative");
        var original = await UploadAsync(content);

        var (status, body) = await CleanAsync(original, new { report_examples = 2 });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var file = body["file"]!;
        var cleanedId = file["id"]!.GetValue<string>();
        Assert.NotEqual(original, cleanedId);
        Assert.Equal(original, file["parent_file_id"]!.GetValue<string>());
        Assert.Equal("cleaned", file["derivation"]!.GetValue<string>());
        Assert.Equal("jsonl", file["container"]!.GetValue<string>());
        Assert.Equal("prompt_completion", file["format"]!.GetValue<string>());
        Assert.Equal(3, file["record_count"]!.GetValue<int>());

        var report = body["report"]!.AsObject();
        Assert.Equal((6, 3), (report["records_before"]!.GetValue<int>(), report["records_after"]!.GetValue<int>()));
        Assert.Equal("babyllama-tinystories", report["model"]!.GetValue<string>());
        Assert.Equal(256, report["max_tokens"]!.GetValue<int>());
        Assert.Equal(1, Rule(report, "exact_duplicates")["removed"]!.GetValue<int>());
        Assert.Equal(2, Rule(report, "exact_duplicates")["examples"]![0]!["position"]!.GetValue<int>());
        Assert.Equal(1, Rule(report, "normalized_duplicates")["removed"]!.GetValue<int>());
        Assert.Equal(1, Rule(report, "empty")["removed"]!.GetValue<int>());
        Assert.Equal(1, Rule(report, "too_long")["changed"]!.GetValue<int>());
        Assert.Equal("truncate", report["options"]!["long_examples"]!.GetValue<string>());

        var stored = await api.GetJsonAsync($"/v1/files/{cleanedId}/report");
        Assert.True(JsonNode.DeepEquals(report, stored));
        var lines = (await api.Http.GetStringAsync($"/v1/files/{cleanedId}/content")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Line("Review: a fine film . Sentiment:", " positive").TrimEnd('\n'), lines[0]);
        Assert.EndsWith(" . Sentiment:", JsonNode.Parse(lines[1])!["prompt"]!.GetValue<string>());

        Assert.Equal(Encoding.UTF8.GetBytes(content), await api.Http.GetByteArrayAsync($"/v1/files/{original}/content"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.GetAsync($"/v1/files/{original}/report")).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "tmp")));
    }

    [Theory]
    [InlineData("{\"model\": \"no-such-model\"}", "model")]
    [InlineData("{\"max_tokens\": 100000}", "max_tokens")]
    [InlineData("{\"long_examples\": \"cut\"}", "long_examples")]
    [InlineData("{\"unicode_normalization\": \"nfd\"}", "unicode_normalization")]
    [InlineData("{\"report_examples\": 1000}", "report_examples")]
    public async Task A_bad_option_is_a_400_naming_it(string options, string param)
    {
        var original = await UploadAsync(Line("a:", " b"));
        var response = await api.Http.PostAsync($"/v1/files/{original}/clean", new StringContent(options, Encoding.UTF8, "application/json"));
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
        Assert.Single((await api.GetJsonAsync("/v1/files"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Cleaning_away_every_record_stores_nothing()
    {
        var original = await UploadAsync(Line("a:", " b") + Line("a:", " b"));
        var (status, body) = await CleanAsync(original, new { long_examples = "drop", max_tokens = 3 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("too_long: 1", body["error"]!["message"]!.GetValue<string>());
        Assert.Single((await api.GetJsonAsync("/v1/files"))["data"]!.AsArray());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_request_without_a_body_cleans_with_the_defaults()
    {
        var original = await UploadAsync(Line("a:", " b") + Line("A:", " B"));
        var response = await api.Http.PostAsync($"/v1/files/{original}/clean", content: null);
        var body = await ApiClient.JsonAsync(response);

        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.Equal(1, body["file"]!["record_count"]!.GetValue<int>());
        Assert.Equal("nfc", body["report"]!["options"]!["unicode"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_file_is_a_404()
    {
        var (status, body) = await CleanAsync("file-nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("file_id", body["error"]!["param"]!.GetValue<string>());
    }
}
