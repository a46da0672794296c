using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Infrastructure;
using TuningService.Api.Tests.Support;
using TuningService.Core.Common;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.Tests.Files;

/// <summary>DELETE /v1/files/{id}: refused (409) while an unfinished job reads the file in any role, allowed once it finished.</summary>
public sealed class DeleteFileTests : IDisposable
{
    // No worker in the process: the seeded jobs must keep the status the test gives them.
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public DeleteFileTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("training", JobStatus.Queued)]
    [InlineData("validation", JobStatus.Running)]
    [InlineData("test", JobStatus.ValidatingFiles)]
    [InlineData("retention", JobStatus.Paused)]
    [InlineData("task_training", JobStatus.Running)]
    [InlineData("task_validation", JobStatus.Queued)]
    public async Task A_file_an_unfinished_job_uses_is_kept_until_the_job_finishes(string role, string status)
    {
        var fileId = await UploadAsync();
        var jobId = await SeedJobAsync(role, fileId, status);

        var busy = await api.Http.DeleteAsync($"/v1/files/{fileId}");
        var error = (await ApiClient.JsonAsync(busy))["error"]!;
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("file_in_use", error["code"]!.GetValue<string>());
        Assert.Equal("file_id", error["param"]!.GetValue<string>());
        Assert.Contains(jobId, error["message"]!.GetValue<string>());
        Assert.Contains("cancel", error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync($"/v1/files/{fileId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync($"/v1/files/{fileId}/content")).StatusCode);

        await SetStatusAsync(jobId, JobStatus.Succeeded);
        var deleted = await api.Http.DeleteAsync($"/v1/files/{fileId}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True((await ApiClient.JsonAsync(deleted))["deleted"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.GetAsync($"/v1/files/{fileId}")).StatusCode);
    }

    [Fact]
    public async Task The_conflict_names_every_unfinished_job_and_finished_ones_do_not_count()
    {
        var fileId = await UploadAsync();
        var first = await SeedJobAsync("training", fileId, JobStatus.Running);
        var second = await SeedJobAsync("retention", fileId, JobStatus.Paused);
        await SeedJobAsync("validation", fileId, JobStatus.Failed);
        await SeedJobAsync("test", fileId, JobStatus.Cancelled);

        var busy = await api.Http.DeleteAsync($"/v1/files/{fileId}");
        var message = (await ApiClient.JsonAsync(busy))["error"]!["message"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains(first, message);
        Assert.Contains(second, message);
        Assert.Contains("2 jobs", message);

        await SetStatusAsync(first, JobStatus.Cancelled);
        await SetStatusAsync(second, JobStatus.Failed);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.DeleteAsync($"/v1/files/{fileId}")).StatusCode);
    }

    [Fact]
    public async Task A_job_using_a_file_whose_id_merely_contains_this_one_does_not_block_it()
    {
        var fileId = await UploadAsync();
        await SeedJobAsync("retention", fileId + "x", JobStatus.Running);
        await SeedJobAsync("task_training", fileId + "x", JobStatus.Running);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.DeleteAsync($"/v1/files/{fileId}")).StatusCode);
    }

    async Task<string> UploadAsync()
    {
        var response = await api.UploadAsync("{\"prompt\": \"a\", \"completion\": \" b\"}\n"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ApiClient.JsonAsync(response))["id"]!.GetValue<string>();
    }

    /// <summary>A job that uses <paramref name="fileId"/> in <paramref name="role"/>; its other files are ids of no file.</summary>
    async Task<string> SeedJobAsync(string role, string fileId, string status)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var job = new FineTuningJob
        {
            Id = Ids.New("ftjob"), Owner = Caller.LocalOwner, CreatedAt = Clock.Now(), Model = "babyllama-tinystories",
            TrainingFileId = role == "training" ? fileId : "file-other-training",
            ValidationFileId = role == "validation" ? fileId : null,
            TestFileId = role == "test" ? fileId : null,
            RetentionFileIdsJson = role == "retention" ? JsonSerializer.Serialize(new[] { "file-other-retention", fileId }) : null,
            TasksJson = role.StartsWith("task_") ? JsonSerializer.Serialize(new[]
            {
                new JobTask("other", "file-other-task", null),
                new JobTask("this", role == "task_training" ? fileId : "file-other-task-training", role == "task_validation" ? fileId : null),
            }) : null,
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
}
