using System.Net;
using System.Net.Http.Headers;
using TorchSharp;
using TuningService.Api.Tests.Support;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Api.Tests.Models;

/// <summary>POST /v1/models/import with an uploaded archive: what is accepted, what is refused, and that a refusal leaves nothing.</summary>
public sealed class ArchiveImportTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false",
        ["Tuning:MaxUploadBytes"] = "2000000",
        ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice", ["Tuning:ApiKeys:0:Admin"] = "true",
        ["Tuning:ApiKeys:1:Key"] = "key-bob", ["Tuning:ApiKeys:1:Owner"] = "bob",
    });

    public void Dispose() => factory.Dispose();

    ApiClient As(string key)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ApiClient(http);
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("tar.gz")]
    [InlineData("zip")]
    public async Task An_archived_model_folder_becomes_a_base_model_everyone_can_use(string kind)
    {
        var archive = kind switch
        {
            "tar" => ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny"),
            "tar.gz" => ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny", gzip: true),
            _ => ModelArchives.Zip(ModelArchives.LlamaTiny),
        };
        var alice = As("key-alice");
        var response = await alice.ImportArchiveAsync(archive, "tiny-llama", $"llama-tiny.{kind}");
        var import = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {import}");
        Assert.Equal("succeeded", import["status"]!.GetValue<string>());
        Assert.Equal("tiny-llama", import["model"]!.GetValue<string>());
        Assert.Equal("archive", import["source"]!.GetValue<string>());
        Assert.Equal(import.ToJsonString(), (await alice.GetJsonAsync($"/v1/models/imports/{import["id"]}")).ToJsonString());

        // Listed for another owner as a system base model, with sizes read from the weights.
        var bob = As("key-bob");
        var listed = (await bob.GetJsonAsync("/v1/models"))["data"]!.AsArray();
        Assert.Contains(listed, m => m!["id"]!.GetValue<string>() == "tiny-llama" && m["owned_by"]!.GetValue<string>() == "system");
        var model = await bob.GetJsonAsync("/v1/models/tiny-llama");
        using (var loaded = PretrainedModelLoader.Load(ModelArchives.LlamaTiny, torch.CPU))
        {
            Assert.Equal(loaded.ParameterCount, model["parameters"]!.GetValue<long>());
            Assert.Equal(loaded.ParameterBytes, model["bytes"]!.GetValue<long>()); // the fixture is float32, as loaded
        }
        var installed = Path.Combine(factory.DataDir, "models", "tiny-llama");
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors")),
            await File.ReadAllBytesAsync(Path.Combine(installed, "model.safetensors")));
        AssertNoStagingLeft();

        // The same name again is refused.
        var again = await alice.ImportArchiveAsync(archive, "tiny-llama");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("model_exists", (await ApiClient.JsonAsync(again))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_link_to_a_file_inside_the_archive_is_materialised_as_a_copy()
    {
        // The layout of a Hugging Face cache snapshot: the weights are a link to a blob beside them.
        var weights = await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors"));
        var archive = ModelArchives.TarOf(
            [("snap/config.json", await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "config.json"))), ("snap/blobs/0a1b2c", weights)],
            symlinks: [("snap/model.safetensors", "blobs/0a1b2c")]);
        var response = await As("key-alice").ImportArchiveAsync(archive, "linked");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var installed = Path.Combine(factory.DataDir, "models", "linked", "model.safetensors");
        Assert.False(new FileInfo(installed).Attributes.HasFlag(FileAttributes.ReparsePoint));
        Assert.Equal(weights, await File.ReadAllBytesAsync(installed));
    }

    public static TheoryData<string, byte[]> HostileArchives() => new()
    {
        { "..", ModelArchives.TarOf([.. TinyFiles(), ("../escape.txt", "pwned"u8.ToArray())]) },
        { "absolute", ModelArchives.TarOf([.. TinyFiles(), ("/tmp/escape.txt", "pwned"u8.ToArray())]) },
        { "outside", ModelArchives.TarOf(TinyFiles(), symlinks: [("tokenizer.model", "../../../../../../etc/passwd")]) },
        { "absolute path", ModelArchives.TarOf(TinyFiles(), symlinks: [("tokenizer.model", "/etc/passwd")]) },
    };

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task An_entry_or_link_that_escapes_the_folder_is_refused_and_nothing_is_written(string expected, byte[] archive)
    {
        var response = await As("key-alice").ImportArchiveAsync(archive, "hostile");
        var error = (await ApiClient.JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, error["message"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(factory.DataDir, "escape.txt")));
        Assert.False(File.Exists(Path.Combine(factory.DataDir, "tmp", "escape.txt")));
        await AssertNotImportedAsync("hostile");
    }

    [Fact]
    public async Task A_folder_whose_weights_do_not_load_is_refused_with_the_loaders_message()
    {
        var weights = await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors"));
        var archive = ModelArchives.TarOf([("config.json", await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "config.json"))),
            ("model.safetensors", weights[..(weights.Length / 2)])]);
        var response = await As("key-alice").ImportArchiveAsync(archive, "broken");
        var error = (await ApiClient.JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_model", error["code"]!.GetValue<string>());
        Assert.Contains("not a readable safetensors file", error["message"]!.GetValue<string>());
        await AssertNotImportedAsync("broken");
    }

    [Fact]
    public async Task An_archive_that_expands_past_the_upload_limit_gets_413()
    {
        // 3 MB of zeros compress to a few KB: the limit must apply to what comes out, not only to what is sent.
        var config = await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "config.json"));
        var archive = ModelArchives.TarOf([("config.json", config), ("padding.bin", new byte[3_000_000])], gzip: true);
        Assert.True(archive.Length < 100_000);
        var response = await As("key-alice").ImportArchiveAsync(archive, "bomb");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNotImportedAsync("bomb");
    }

    [Fact]
    public async Task Importing_is_for_admins_and_the_name_is_checked()
    {
        var archive = ModelArchives.Tar(ModelArchives.LlamaTiny, root: null);
        var denied = await As("key-bob").ImportArchiveAsync(archive, "mine");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("insufficient_permissions", (await ApiClient.JsonAsync(denied))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await As("key-bob").Http.GetAsync("/v1/models/imports/modelimport-x")).StatusCode);

        foreach (var bad in new[] { "../up", "with space", ".hidden", new string('a', 65) })
        {
            var response = await As("key-alice").ImportArchiveAsync(archive, bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("name", (await ApiClient.JsonAsync(response))["error"]!["param"]!.GetValue<string>());
        }
        var builtIn = await As("key-alice").ImportArchiveAsync(archive, "babyllama-tinystories");
        Assert.Equal(HttpStatusCode.Conflict, builtIn.StatusCode);
        AssertNoStagingLeft();
    }

    [Fact]
    public async Task Swagger_describes_both_import_bodies()
    {
        var swagger = await As("key-bob").GetJsonAsync("/swagger/v1/swagger.json");
        var content = swagger["paths"]!["/v1/models/import"]!["post"]!["requestBody"]!["content"]!;
        Assert.EndsWith("/ImportModelRequest", content["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(content["multipart/form-data"]!["schema"]);
    }

    static List<(string Name, byte[] Content)> TinyFiles() =>
        Directory.GetFiles(ModelArchives.LlamaTiny).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();

    async Task AssertNotImportedAsync(string name)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await As("key-alice").Http.GetAsync($"/v1/models/{name}")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "models", name)));
        AssertNoStagingLeft();
    }

    void AssertNoStagingLeft()
    {
        var tmp = Path.Combine(factory.DataDir, "tmp");
        Assert.Empty(Directory.Exists(tmp) ? Directory.EnumerateFileSystemEntries(tmp) : []);
    }
}
