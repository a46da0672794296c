using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Datasets;

public sealed class SplitFileTests : IDisposable
{
    readonly TuningApiFactory factory = new();
    readonly ApiClient api;

    public SplitFileTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    async Task<(HttpStatusCode Status, JsonObject Body)> SplitAsync(string fileId, object request)
    {
        var response = await api.Http.PostAsJsonAsync($"/v1/files/{fileId}/split", request);
        return (response.StatusCode, await ApiClient.JsonAsync(response));
    }

    static JsonNode Part(JsonObject body, string name) => body["splits"]!.AsArray().Single(s => s!["split"]!.GetValue<string>() == name)!;

    [Fact]
    public async Task Sst2_splits_into_three_linked_files_stratified_by_label_and_repeats_under_its_seed()
    {
        var original = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var (status, body) = await SplitAsync(original, new { train = 0.8, validation = 0.1, test = 0.1, seed = 42 });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        Assert.Equal((42, "label", 0), (body["seed"]!.GetValue<int>(), body["stratified_by"]!.GetValue<string>(), body["duplicates_set_aside"]!.GetValue<int>()));
        Assert.Equal([160, 20, 20], body["splits"]!.AsArray().Select(s => s!["record_count"]!.GetValue<int>()));
        var seen = new HashSet<string>();
        foreach (var name in new[] { "train", "validation", "test" })
        {
            var file = Part(body, name)["file"]!;
            Assert.Equal((original, "split", name), (file["parent_file_id"]!.GetValue<string>(), file["derivation"]!.GetValue<string>(), file["split"]!.GetValue<string>()));
            var lines = (await api.Http.GetStringAsync($"/v1/files/{file["id"]}/content")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(file["record_count"]!.GetValue<int>(), lines.Length);
            Assert.All(lines, l => Assert.True(seen.Add(l), $"{l} is in two parts"));
            // 101 negatives and 99 positives: each part keeps that balance within one record.
            var positives = lines.Count(l => JsonNode.Parse(l)!["completion"]!.GetValue<string>() == " positive");
            Assert.True(Math.Abs(positives - 99 * (name == "train" ? 0.8 : 0.1)) < 1, $"{name}: {positives} positives");
            Assert.Equal(positives, Part(body, name)["distribution"]!["positive"]!.GetValue<int>());
        }
        Assert.Equal(200, seen.Count);
        var report = await api.GetJsonAsync($"/v1/files/{Part(body, "test")["file"]!["id"]}/report");
        Assert.Equal(Part(body, "test")["file"]!["id"]!.GetValue<string>(), report["splits"]![2]!["file_id"]!.GetValue<string>());

        var (_, again) = await SplitAsync(original, new { seed = 42 });
        var (_, other) = await SplitAsync(original, new { seed = 43 });
        string Sha(JsonObject b, string name) => Part(b, name)["file"]!["sha256"]!.GetValue<string>();
        Assert.Equal(Sha(body, "test"), Sha(again, "test"));
        Assert.Equal(Sha(body, "train"), Sha(again, "train"));
        Assert.NotEqual(Sha(body, "test"), Sha(other, "test"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_multi_task_file_is_stratified_by_task()
    {
        var original = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", "mixed-train.jsonl")));
        var (status, body) = await SplitAsync(original, new { validation = 0.2, seed = 1 });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        Assert.Equal("task", body["stratified_by"]!.GetValue<string>());
        Assert.Equal(["train", "validation"], body["splits"]!.AsArray().Select(s => s!["split"]!.GetValue<string>()));
        var validation = Part(body, "validation")["distribution"]!.AsObject();
        Assert.Equal([4, 4, 4], validation.Select(kv => kv.Value!.GetValue<int>()));
    }

    [Theory]
    [InlineData("{\"train\": 0.8, \"validation\": 0.3}", "train")]
    [InlineData("{\"validation\": -0.1}", "validation")]
    [InlineData("{\"test\": 1.2}", "test")]
    [InlineData("{\"stratify\": \"task\"}", "stratify")]
    [InlineData("{\"stratify\": \"labels\"}", "stratify")]
    public async Task Bad_ratios_and_strata_are_400s_naming_the_param(string request, string param)
    {
        var original = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var response = await api.Http.PostAsync($"/v1/files/{original}/split", new StringContent(request, System.Text.Encoding.UTF8, "application/json"));
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
        Assert.Single((await api.GetJsonAsync("/v1/files"))["data"]!.AsArray());
    }
}
