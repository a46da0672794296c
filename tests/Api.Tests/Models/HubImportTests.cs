using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Tests.Support;
using TuningService.Core.Common;
using TuningService.Core.Imports;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;

namespace TuningService.Api.Tests.Models;

/// <summary>POST /v1/models/import from the Hub, against a local stand-in of the Hub serving the llama-tiny fixture.</summary>
public sealed class HubImportTests
{
    const string Repo = "tests/llama-tiny";
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    static TuningApiFactory Factory(FakeHub hub, string? token = null) => new(settings: new Dictionary<string, string>
    {
        ["Tuning:HubUrl"] = hub.Url,
        ["Tuning:HubToken"] = token ?? "",
    });

    [Fact]
    public async Task A_download_cut_off_midway_resumes_with_a_range_request_and_the_model_is_listed()
    {
        await using var hub = await FakeHub.StartAsync(Repo, "main", ModelArchives.LlamaTiny, dropOnce: "model.safetensors");
        using var factory = Factory(hub, token: "hf_secret");
        var api = new ApiClient(factory.CreateClient());

        var response = await api.Http.PostAsJsonAsync("/v1/models/import", new { source = "hf", repo = Repo, revision = "main", name = "tiny-from-hub" });
        var queued = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {queued}");
        Assert.Equal("queued", queued["status"]!.GetValue<string>());
        var import = await api.WaitForImportAsync(queued["id"]!.GetValue<string>(), Deadline);
        Assert.True(import["status"]!.GetValue<string>() == "succeeded", import.ToJsonString());

        // Only the files a model folder needs: config and weights (golden.json is not one of them).
        var wanted = new[] { "config.json", "model.safetensors" }.Sum(f => new FileInfo(Path.Combine(ModelArchives.LlamaTiny, f)).Length);
        Assert.Equal(wanted, import["bytes_total"]!.GetValue<long>());
        Assert.Equal(wanted, import["bytes_done"]!.GetValue<long>());
        var installed = Path.Combine(factory.DataDir, "models", "tiny-from-hub");
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(installed).Select(Path.GetFileName).Order());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors")),
            await File.ReadAllBytesAsync(Path.Combine(installed, "model.safetensors")));

        // The second request for the weights asked for the rest only.
        var weights = hub.Requests.Where(r => r.Path == "/cdn/model.safetensors").ToList();
        Assert.Equal(2, weights.Count);
        Assert.Equal("", weights[0].Range);
        Assert.Matches("^bytes=[1-9][0-9]*-$", weights[1].Range);
        // The token goes to the Hub, never to the CDN it redirects to.
        Assert.All(hub.Requests.Where(r => !r.Path.StartsWith("/cdn/", StringComparison.Ordinal)), r => Assert.Equal("Bearer hf_secret", r.Authorization));
        Assert.All(weights, r => Assert.Equal("", r.Authorization));

        var model = await api.GetJsonAsync("/v1/models/tiny-from-hub");
        Assert.Equal("system", model["owned_by"]!.GetValue<string>());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(factory.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_file_that_does_not_match_its_sha256_is_refused_and_nothing_is_listed()
    {
        // No listing this time: the importer falls back to trying known file names, and learns the sha256 from the redirect.
        await using var hub = await FakeHub.StartAsync(Repo, "main", ModelArchives.LlamaTiny, listing: false, corrupt: "model.safetensors");
        using var factory = Factory(hub);
        var api = new ApiClient(factory.CreateClient());

        var response = await api.Http.PostAsJsonAsync("/v1/models/import", new { source = "hf", repo = Repo });
        var queued = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("llama-tiny", queued["model"]!.GetValue<string>()); // the default name is the repo's
        var import = await api.WaitForImportAsync(queued["id"]!.GetValue<string>(), Deadline);
        Assert.Equal("failed", import["status"]!.GetValue<string>());
        Assert.Contains("sha256", import["error"]!.GetValue<string>());
        Assert.Contains(hub.Requests, r => r.Path.StartsWith("/api/models/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.GetAsync("/v1/models/llama-tiny")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "models", "llama-tiny")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(factory.DataDir, "tmp")));
    }

    [Fact]
    public async Task An_import_interrupted_by_a_restart_resumes_from_its_partial_file()
    {
        await using var hub = await FakeHub.StartAsync(Repo, "main", ModelArchives.LlamaTiny);
        var weights = await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors"));
        string dataDir, importId = Ids.New("modelimport");
        // What a process that stopped mid-download leaves: the row still downloading, config.json done, the weights partly there.
        using (var before = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:HubUrl"] = hub.Url, ["Tuning:RunWorkerInProcess"] = "false" }) { KeepDataDir = true })
        {
            dataDir = before.DataDir;
            _ = before.CreateClient();
            await using var scope = before.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
            db.ModelImports.Add(new ModelImport
            {
                Id = importId, Owner = "local", CreatedAt = Clock.Now(), Name = "resumed", Source = ModelImportSource.Hub,
                Repo = Repo, Revision = "main", Status = ModelImportStatus.Downloading,
            });
            await db.SaveChangesAsync();
            var staging = scope.ServiceProvider.GetRequiredService<ImportedModels>().StagingFolder(importId);
            Directory.CreateDirectory(staging);
            File.Copy(Path.Combine(ModelArchives.LlamaTiny, "config.json"), Path.Combine(staging, "config.json"));
            await File.WriteAllBytesAsync(Path.Combine(staging, "model.safetensors.part"), weights[..1000]);
        }

        using var after = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:HubUrl"] = hub.Url }, dataDir: dataDir);
        var api = new ApiClient(after.CreateClient());
        var import = await api.WaitForImportAsync(importId, Deadline);
        Assert.True(import["status"]!.GetValue<string>() == "succeeded", import.ToJsonString());

        Assert.Equal(["bytes=1000-"], hub.Requests.Where(r => r.Path == "/cdn/model.safetensors").Select(r => r.Range));
        Assert.DoesNotContain(hub.Requests, r => r.Path.EndsWith("/config.json", StringComparison.Ordinal));
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(dataDir, "models", "resumed", "model.safetensors")));
    }

    [Fact]
    public async Task Sharded_weights_are_fetched_through_their_index()
    {
        var repo = Directory.CreateTempSubdirectory("fake-repo-").FullName;
        try
        {
            File.Copy(Path.Combine(ModelArchives.LlamaTiny, "config.json"), Path.Combine(repo, "config.json"));
            var tensors = TorchSharp.PyBridge.Safetensors.LoadStateDict(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors"));
            var weightMap = new JsonObject();
            var keys = tensors.Keys.Order(StringComparer.Ordinal).ToList();
            for (var shard = 0; shard < 2; shard++)
            {
                var name = $"model-0000{shard + 1}-of-00002.safetensors";
                var part = keys.Where((_, i) => i % 2 == shard).ToDictionary(k => k, k => tensors[k]);
                SafetensorsWriter.Write(Path.Combine(repo, name), part);
                foreach (var key in part.Keys) weightMap[key] = name;
            }
            await File.WriteAllTextAsync(Path.Combine(repo, "model.safetensors.index.json"),
                new JsonObject { ["weight_map"] = weightMap }.ToJsonString());
            await using var hub = await FakeHub.StartAsync(Repo, "main", repo);
            using var factory = Factory(hub);
            var api = new ApiClient(factory.CreateClient());

            var queued = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync("/v1/models/import", new { source = "hf", repo = Repo, name = "sharded" }));
            var import = await api.WaitForImportAsync(queued["id"]!.GetValue<string>(), Deadline);

            Assert.True(import["status"]!.GetValue<string>() == "succeeded", import.ToJsonString());
            Assert.Equal(Directory.GetFiles(repo).Sum(f => new FileInfo(f).Length), import["bytes_total"]!.GetValue<long>());
            Assert.Equal(keys.Sum(k => tensors[k].numel()), (await api.GetJsonAsync("/v1/models/sharded"))["parameters"]!.GetValue<long>());
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }

    [Fact]
    public async Task A_repo_with_only_pickle_weights_is_refused_with_the_reason()
    {
        var repo = Directory.CreateTempSubdirectory("fake-repo-").FullName;
        try
        {
            File.Copy(Path.Combine(ModelArchives.LlamaTiny, "config.json"), Path.Combine(repo, "config.json"));
            await File.WriteAllBytesAsync(Path.Combine(repo, "pytorch_model.bin"), new byte[4096]);
            await using var hub = await FakeHub.StartAsync(Repo, "main", repo, listing: false);
            using var factory = Factory(hub);
            var api = new ApiClient(factory.CreateClient());

            var queued = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync("/v1/models/import", new { source = "hf", repo = Repo, name = "pickled" }));
            var import = await api.WaitForImportAsync(queued["id"]!.GetValue<string>(), Deadline);

            Assert.Equal("failed", import["status"]!.GetValue<string>());
            Assert.Contains("only pytorch_model.bin", import["error"]!.GetValue<string>());
            Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "models", "pickled")));
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_request_is_answered_before_anything_is_queued()
    {
        await using var hub = await FakeHub.StartAsync(Repo, "main", ModelArchives.LlamaTiny);
        using var factory = Factory(hub);
        var api = new ApiClient(factory.CreateClient());
        foreach (var (body, param) in new (object, string)[]
        {
            (new { source = "s3", repo = Repo }, "source"),
            (new { source = "hf", repo = "../etc" }, "repo"),
            (new { source = "hf", repo = Repo, revision = "../main" }, "revision"),
            (new { source = "hf", repo = Repo, name = "no/slash" }, "name"),
        })
        {
            var response = await api.Http.PostAsJsonAsync("/v1/models/import", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(param, (await ApiClient.JsonAsync(response))["error"]!["param"]!.GetValue<string>());
        }
        Assert.Empty(hub.Requests);
    }
}
