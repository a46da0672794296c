using System.Net;
using System.Text;
using System.Text.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Files;

/// <summary>
/// Every file of tests/fixtures/bad-files/ (see its README.md) uploaded over HTTP: each gets its status and a message
/// that names where and what, and a refused one leaves nothing stored.
/// </summary>
public sealed class BadFilesApiTests(BadFilesApiTests.Service service) : IClassFixture<BadFilesApiTests.Service>
{
    public const long MaxUploadBytes = 8 * 1024 * 1024;
    const string Sentiment = """{"prompt_template": "Review: {sentence} Sentiment:", "completion_template": " {label}"}""";
    const string SentimentWithLabels = """{"prompt_template": "Review: {sentence} Sentiment:", "completion_template": " {label}", "label_map": "{\"0\": \"negative\", \"1\": \"positive\"}"}""";

    /// <summary>One server for the whole corpus: every case checks that nothing at all is stored.</summary>
    public sealed class Service : IDisposable
    {
        public TuningApiFactory Factory { get; } = new(settings: new Dictionary<string, string> { ["Tuning:MaxUploadBytes"] = MaxUploadBytes.ToString() });
        public ApiClient Api { get; }
        public Service() => Api = new ApiClient(Factory.CreateClient());
        public void Dispose() => Factory.Dispose();
    }

    /// <summary>File, form fields (JSON object), status, key words of the message ('|' between them).</summary>
    public static TheoryData<string, string, int, string> Refused => new()
    {
        { "not-utf8.jsonl", "{}", 400, "line 2|invalid UTF-8 at byte 16" },
        { "utf16-bom.jsonl", "{}", 400, "line 1|UTF-16" },
        { "empty.jsonl", "{}", 400, "no records" },
        { "invalid-json.jsonl", "{}", 400, "line 2|not valid JSON" },
        { "wrong-types.jsonl", "{}", 400, "line 1|key 'completion' must be a string, got number" },
        { "lone-surrogate.jsonl", "{}", 400, "line 2|key 'prompt'|not valid Unicode" },
        { "missing-keys.jsonl", "{}", 400, "line 1|missing key 'completion'" },
        { "unknown-role.jsonl", "{}", 400, "line 1, message 2|role 'tool' is not supported" },
        { "no-assistant.jsonl", "{}", 400, "line 1|no assistant message" },
        { "assistant-weight.jsonl", "{}", 400, "line 1, message 2|key 'weight' must be 0 or 1, got 0.5" },
        { "mixed-formats.jsonl", "{}", 400, "line 2|alpaca format but the file is prompt_completion" },
        { "alpaca-missing-output.jsonl", "{}", 400, "line 1|missing key 'output'" },
        { "text-empty.jsonl", "{}", 400, "line 2|key 'text' must not be empty" },
        { "ragged-rows.csv", Sentiment, 400, "row 3|3 field(s) but the header has 2" },
        { "missing-column.csv", """{"prompt_template": "Review: {review} Sentiment:", "completion_template": " {label}"}""", 400, "row 1 (header)|names column 'review'" },
        { "label-not-in-map.tsv", SentimentWithLabels, 400, "row 3|'2', which label_map does not map" },
        { "stray-quote.csv", "{}", 400, "row 2|quote (\") inside an unquoted value" },
        { "unclosed-quote.csv", "{}", 400, "row 2|never closed" },
        { "truncated-array.json", "{}", 400, "element 3 (line 4)|ends inside the array" },
        { "array-of-strings.json", "{}", 400, "element 1 (line 1)|expected a JSON object, got string" },
        { "array-bad-element.json", "{}", 400, "element 2 (line 3)|key 'output' must be a string, got number" },
        { "not-an-array.json", "{}", 400, "line 1|expected a JSON object, got string" },
    };

    /// <summary>Files of the corpus that must be accepted.</summary>
    public static TheoryData<string, string> Accepted => new()
    {
        { "utf8-bom.jsonl", "prompt_completion" },
        { "crlf.jsonl", "prompt_completion" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_bad_file_gets_a_clear_answer_and_nothing_is_stored(string file, string fields, int status, string keywords)
    {
        var form = JsonSerializer.Deserialize<Dictionary<string, string>>(fields)!;

        var response = await DatasetUploads.UploadAsync(service.Api.Http, await File.ReadAllBytesAsync(DatasetUploads.Fixture("bad-files", file)), file, form);
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("file", body["error"]!["param"]!.GetValue<string>());
        foreach (var keyword in keywords.Split('|'))
            Assert.Contains(keyword, DatasetUploads.ErrorMessage(body));
        await DatasetUploads.AssertNothingStoredAsync(service.Api, service.Factory.DataDir);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task A_utf8_bom_and_crlf_line_ends_are_accepted(string file, string format)
    {
        var response = await DatasetUploads.UploadAsync(service.Api.Http, await File.ReadAllBytesAsync(DatasetUploads.Fixture("bad-files", file)), file);
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((format, "jsonl", 2), (body["format"]!.GetValue<string>(), body["container"]!.GetValue<string>(), body["record_count"]!.GetValue<int>()));
        await service.Api.Http.DeleteAsync($"/v1/files/{body["id"]!.GetValue<string>()}");
    }

    [Fact]
    public void Every_file_of_the_corpus_has_a_case()
    {
        var named = Refused.Select(row => (string)row[0]).Concat(Accepted.Select(row => (string)row[0])).Order();
        var present = Directory.EnumerateFiles(DatasetUploads.Fixture("bad-files")).Select(Path.GetFileName).Where(n => n != "README.md").Order();

        Assert.Equal(present, named);
    }

    [Fact]
    public async Task A_line_of_many_megabytes_is_refused_naming_the_line()
    {
        var content = Encoding.UTF8.GetBytes("{\"prompt\": \"a\", \"completion\": \" b\"}\n{\"prompt\": \"" + new string('x', 5 * 1024 * 1024) + "\", \"completion\": \" b\"}\n");

        var response = await DatasetUploads.UploadAsync(service.Api.Http, content, "long-line.jsonl");
        var message = DatasetUploads.ErrorMessage(await ApiClient.JsonAsync(response));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 2: line is 5242914 bytes long, over the limit of 4194304 bytes", message);
        await DatasetUploads.AssertNothingStoredAsync(service.Api, service.Factory.DataDir);
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_gets_413_and_nothing_is_stored()
    {
        var line = Encoding.UTF8.GetBytes("{\"prompt\": \"" + new string('x', 1000) + "\", \"completion\": \" y\"}\n");
        var content = Enumerable.Repeat(line, (int)(MaxUploadBytes / line.Length) + 10).SelectMany(b => b).ToArray();

        var response = await DatasetUploads.UploadAsync(service.Api.Http, content, "big.jsonl");
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("8,388,608 bytes (Tuning:MaxUploadBytes)", DatasetUploads.ErrorMessage(body));
        await DatasetUploads.AssertNothingStoredAsync(service.Api, service.Factory.DataDir);
    }

    [Fact]
    public async Task A_file_name_with_control_characters_is_refused()
    {
        var response = await DatasetUploads.UploadRawAsync(service.Api.Http, "{\"text\": \"a\"}\n"u8.ToArray(), "bad\u0007name.jsonl");
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control characters", DatasetUploads.ErrorMessage(body));
        await DatasetUploads.AssertNothingStoredAsync(service.Api, service.Factory.DataDir);
    }

    [Fact]
    public async Task A_file_name_with_path_segments_keeps_only_the_last_one()
    {
        var response = await DatasetUploads.UploadRawAsync(service.Api.Http, "{\"text\": \"a\"}\n"u8.ToArray(), "..\\..\\etc/evil.jsonl");
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("evil.jsonl", body["filename"]!.GetValue<string>());
        await service.Api.Http.DeleteAsync($"/v1/files/{body["id"]!.GetValue<string>()}");
    }

    [Theory]
    [InlineData("label_map", "not json")]
    [InlineData("prompt_template", "Review: {sentence")]
    [InlineData("format", "xlsx")]
    public async Task A_bad_read_option_names_its_field_and_nothing_is_stored(string field, string value)
    {
        var content = await File.ReadAllBytesAsync(DatasetUploads.Fixture("datasets", "sst2-dev-300.tsv"));

        var response = await DatasetUploads.UploadAsync(service.Api.Http, content, "sst2.tsv", new Dictionary<string, string> { [field] = value });
        var body = await ApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, body["error"]!["param"]!.GetValue<string>());
        await DatasetUploads.AssertNothingStoredAsync(service.Api, service.Factory.DataDir);
    }
}
