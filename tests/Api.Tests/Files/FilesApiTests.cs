using System.Net;
using System.Text;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Files;

public sealed class FilesApiTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:MaxUploadBytes"] = "100000" });
    readonly ApiClient api;

    public FilesApiTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task A_valid_upload_is_described_and_returned_byte_for_byte()
    {
        var bytes = await File.ReadAllBytesAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var response = await api.UploadAsync(bytes, "train.jsonl");
        var file = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("file", file["object"]!.GetValue<string>());
        Assert.StartsWith("file-", file["id"]!.GetValue<string>());
        Assert.Equal(bytes.Length, file["bytes"]!.GetValue<long>());
        Assert.Equal("fine-tune", file["purpose"]!.GetValue<string>());
        Assert.Equal("prompt_completion", file["format"]!.GetValue<string>());
        Assert.Equal(200, file["record_count"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), file["sha256"]!.GetValue<string>());

        var id = file["id"]!.GetValue<string>();
        Assert.Equal(bytes, await api.Http.GetByteArrayAsync($"/v1/files/{id}/content"));
        var list = await api.GetJsonAsync("/v1/files");
        Assert.Equal(id, list["data"]![0]!["id"]!.GetValue<string>());

        var deleted = await ApiClient.JsonAsync(await api.Http.DeleteAsync($"/v1/files/{id}"));
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.GetAsync($"/v1/files/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_bad_line_is_answered_with_its_line_number_and_nothing_is_stored()
    {
        var content = "{\"prompt\": \"a\", \"completion\": \" b\"}\n{\"prompt\": \"a\"}\n{\"prompt\": \"a\", \"completion\": 3}\n";
        var response = await api.UploadAsync(Encoding.UTF8.GetBytes(content));
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = body["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("file", error["param"]!.GetValue<string>());
        Assert.Contains("line 2", error["message"]!.GetValue<string>());
        Assert.Contains("line 3", error["message"]!.GetValue<string>());
        Assert.Empty((await api.GetJsonAsync("/v1/files"))["data"]!.AsArray());
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "files")) && Directory.EnumerateFiles(Path.Combine(factory.DataDir, "files")).Any());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "tmp")));
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_gets_413()
    {
        var line = "{\"prompt\": \"" + new string('x', 1000) + "\", \"completion\": \" y\"}\n";
        var response = await api.UploadAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 120))));
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("100,000", body["error"]!["message"]!.GetValue<string>());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_wrong_purpose_names_the_purpose_param()
    {
        var response = await api.UploadAsync("{\"prompt\":\"a\",\"completion\":\" b\"}\n"u8.ToArray(), purpose: "assistants");
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("purpose", body["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_path_in_the_file_name_is_dropped()
    {
        var response = await api.UploadAsync("{\"prompt\":\"a\",\"completion\":\" b\"}\n"u8.ToArray(), "../../etc/evil.jsonl");
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal("evil.jsonl", body["filename"]!.GetValue<string>());
    }
}
