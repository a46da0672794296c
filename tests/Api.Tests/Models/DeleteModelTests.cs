using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using TuningService.Api.Tests.Support;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;

namespace TuningService.Api.Tests.Models;

/// <summary>DELETE /v1/models/{id}: fine-tuned models by their owner, imported models by admins, built-in models never.</summary>
public sealed class DeleteModelTests : IDisposable
{
    const string FineTunedId = "ft:babyllama-tinystories:seeded:ftjob-seeded";

    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false",
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

    [Fact]
    public async Task A_fine_tuned_model_is_deleted_by_its_owner_once_no_unfinished_job_starts_from_it()
    {
        var bob = As("key-bob");
        var folder = await SeedFineTunedModelAsync(owner: "bob");
        var followUp = await SeedJobAsync("bob", FineTunedId, JobStatus.Running);

        // Another owner does not see it at all.
        Assert.Equal(HttpStatusCode.NotFound, (await As("key-alice").Http.DeleteAsync($"/v1/models/{FineTunedId}")).StatusCode);

        var busy = await bob.Http.DeleteAsync($"/v1/models/{FineTunedId}");
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("model_in_use", (await ApiClient.JsonAsync(busy))["error"]!["code"]!.GetValue<string>());
        Assert.True(Directory.Exists(folder));

        await SetStatusAsync(followUp, JobStatus.Cancelled);
        var response = await bob.Http.DeleteAsync($"/v1/models/{FineTunedId}");
        var deleted = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FineTunedId, deleted["id"]!.GetValue<string>());
        Assert.Equal("model", deleted["object"]!.GetValue<string>());
        Assert.True(deleted["deleted"]!.GetValue<bool>());

        Assert.False(Directory.Exists(folder));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/v1/models/{FineTunedId}")).StatusCode);
        Assert.DoesNotContain((await bob.GetJsonAsync("/v1/models"))["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == FineTunedId);
    }

    [Fact]
    public async Task A_fine_tuned_model_is_kept_while_an_unfinished_job_starts_from_one_of_its_checkpoints()
    {
        var bob = As("key-bob");
        var folder = await SeedFineTunedModelAsync(owner: "bob");
        var fromCheckpoint = await SeedJobAsync("bob", $"{FineTunedId}:ckpt-step-2", JobStatus.Paused);
        // A model whose id merely begins with this one's is another model: its jobs do not hold this one.
        await SeedJobAsync("bob", $"{FineTunedId}-other:ckpt-step-2", JobStatus.Running);

        var busy = await bob.Http.DeleteAsync($"/v1/models/{FineTunedId}");
        var error = (await ApiClient.JsonAsync(busy))["error"]!;
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("model_in_use", error["code"]!.GetValue<string>());
        Assert.Contains(fromCheckpoint, error["message"]!.GetValue<string>());
        Assert.Contains("cancel", error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.True(Directory.Exists(folder));
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync($"/v1/models/{FineTunedId}")).StatusCode);

        await SetStatusAsync(fromCheckpoint, JobStatus.Succeeded);
        var deleted = await bob.Http.DeleteAsync($"/v1/models/{FineTunedId}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_model_reports_its_parameters_and_weight_bytes_from_the_safetensors_header()
    {
        await SeedFineTunedModelAsync(owner: "bob");
        var model = await As("key-bob").GetJsonAsync($"/v1/models/{FineTunedId}");
        using var loaded = PretrainedModelLoader.Load(ModelArchives.LlamaTiny, torch.CPU);
        Assert.Equal(loaded.ParameterCount, model["parameters"]!.GetValue<long>());
        Assert.Equal(DataSectionBytes(Path.Combine(ModelArchives.LlamaTiny, "model.safetensors")), model["bytes"]!.GetValue<long>());

        // The built-in model ties its output matrix to the embedding: stored (and counted) once.
        var builtIn = await As("key-bob").GetJsonAsync("/v1/models/babyllama-tinystories");
        using var baby = PretrainedModelLoader.Load(RepoPaths.BuiltInModel, torch.CPU);
        Assert.Equal(baby.ParameterCount, builtIn["parameters"]!.GetValue<long>());
        Assert.Equal(DataSectionBytes(Path.Combine(RepoPaths.BuiltInModel, "model.safetensors")), builtIn["bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_imported_model_is_deleted_by_an_admin_only_and_a_built_in_one_never()
    {
        var alice = As("key-alice");
        var import = await alice.ImportArchiveAsync(ModelArchives.Tar(ModelArchives.LlamaTiny, root: "x"), "to-delete");
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());

        var denied = await As("key-bob").Http.DeleteAsync("/v1/models/to-delete");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var jobId = await SeedJobAsync("bob", "to-delete", JobStatus.Queued);
        Assert.Equal(HttpStatusCode.Conflict, (await alice.Http.DeleteAsync("/v1/models/to-delete")).StatusCode);
        await SetStatusAsync(jobId, JobStatus.Failed);

        var deleted = await ApiClient.JsonAsync(await alice.Http.DeleteAsync("/v1/models/to-delete"));
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "models", "to-delete")));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync("/v1/models/to-delete")).StatusCode);

        var builtIn = await alice.Http.DeleteAsync("/v1/models/babyllama-tinystories");
        Assert.Equal(HttpStatusCode.Forbidden, builtIn.StatusCode);
        Assert.Equal("model_not_deletable", (await ApiClient.JsonAsync(builtIn))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync("/v1/models/babyllama-tinystories")).StatusCode);
    }

    /// <summary>A fine-tuned model as a succeeded job leaves it: a row and a folder under the job (here, llama-tiny's files).</summary>
    async Task<string> SeedFineTunedModelAsync(string owner)
    {
        _ = factory.CreateClient(); // starts the host, which migrates the database
        var relative = DataPaths.CheckpointRelativePath("ftjob-seeded", 1);
        var folder = Path.Combine(factory.DataDir, relative);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(ModelArchives.LlamaTiny))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.FineTunedModels.Add(new FineTunedModel
        {
            Id = FineTunedId, Owner = owner, BaseModel = "babyllama-tinystories", JobId = "ftjob-seeded", CreatedAt = Clock.Now(), RelativePath = relative,
        });
        await db.SaveChangesAsync();
        return folder;
    }

    async Task<string> SeedJobAsync(string owner, string model, string status)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var job = new FineTuningJob
        {
            Id = Ids.New("ftjob"), Owner = owner, CreatedAt = Clock.Now(), Model = model, TrainingFileId = "file-seeded",
            RequestedHyperparametersJson = "{}", Status = status,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    async Task SetStatusAsync(string jobId, string status)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, status));
    }

    /// <summary>A safetensors file's size less its 8-byte length prefix and JSON header: the bytes of its tensors.</summary>
    static long DataSectionBytes(string path)
    {
        using var file = File.OpenRead(path);
        var prefix = new byte[8];
        file.ReadExactly(prefix);
        return file.Length - 8 - System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(prefix);
    }
}
