using System.Net;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Files;

/// <summary>Real data of every accepted format (tests/fixtures/datasets/, README there) uploaded over HTTP.</summary>
public sealed class RealDatasetUploadTests : IDisposable
{
    static readonly Dictionary<string, string> Sst2Fields = new()
    {
        ["prompt_template"] = "Review: {sentence} Sentiment:",
        ["completion_template"] = " {label}",
        ["label_map"] = """{"0": "negative", "1": "positive"}""",
    };

    readonly TuningApiFactory factory = new();
    readonly ApiClient api;

    public RealDatasetUploadTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    async Task<System.Text.Json.Nodes.JsonObject> UploadAsync(string path, IReadOnlyDictionary<string, string>? fields = null, bool fieldsAfterFile = false)
    {
        var response = await DatasetUploads.UploadAsync(api.Http, await File.ReadAllBytesAsync(path), Path.GetFileName(path), fields, fieldsAfterFile);
        var body = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload of {Path.GetFileName(path)} failed: {body}");
        return body;
    }

    static void AssertDescribed(System.Text.Json.Nodes.JsonObject file, string format, string container, int records)
    {
        Assert.Equal(format, file["format"]!.GetValue<string>());
        Assert.Equal(container, file["container"]!.GetValue<string>());
        Assert.Equal(records, file["record_count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_sst2_tsv_uploads_with_a_template_and_label_map_in_either_field_order(bool fieldsAfterFile)
    {
        var file = await UploadAsync(DatasetUploads.Fixture("datasets", "sst2-dev-300.tsv"), Sst2Fields, fieldsAfterFile);

        AssertDescribed(file, "prompt_completion", "tsv", 300);
        AssertDescribed(await api.GetJsonAsync($"/v1/files/{file["id"]!.GetValue<string>()}"), "prompt_completion", "tsv", 300);
    }

    [Fact]
    public async Task The_alpaca_json_array_uploads()
    {
        AssertDescribed(await UploadAsync(DatasetUploads.Fixture("datasets", "alpaca-en-demo-100.json")), "alpaca", "json", 100);
    }

    [Fact]
    public async Task A_t0_sample_uploads_as_prompt_completion()
    {
        AssertDescribed(await UploadAsync(DatasetUploads.Fixture("datasets", "t0-glue-mrpc-100.jsonl")), "prompt_completion", "jsonl", 100);
    }

    [Fact]
    public async Task The_heldout_stories_upload_as_text()
    {
        AssertDescribed(await UploadAsync(Path.Combine(RepoPaths.BuiltInModel, "heldout_stories.jsonl")), "text", "jsonl", 50);
    }

    [Fact]
    public async Task Self_instruct_seed_tasks_need_converting_to_alpaca()
    {
        AssertDescribed(await UploadAsync(DatasetUploads.Fixture("datasets", "self-instruct-seed-60-alpaca.jsonl"), new Dictionary<string, string> { ["format"] = "alpaca" }),
            "alpaca", "jsonl", 60);

        // The seed file as published nests its examples in 'instances': not a format; the answer says why.
        var response = await DatasetUploads.UploadAsync(api.Http, await File.ReadAllBytesAsync(DatasetUploads.Fixture("datasets", "self-instruct-seed-tasks-3.jsonl")), "seed_tasks.jsonl");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 1: missing key 'output'", DatasetUploads.ErrorMessage(await ApiClient.JsonAsync(response)));
    }
}
