using System.Net;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

public sealed class RestartAndCancelTests
{
    static object SmallJob(string trainingFile, int epochs) => new
    {
        model = "babyllama-tinystories", training_file = trainingFile, seed = 1,
        method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = epochs, batch_size = 8 } } },
    };

    [Fact]
    public async Task A_job_queued_before_a_restart_runs_after_it_in_embedded_mode()
    {
        string dataDir, jobId;
        // First start: no worker, so the job stays queued when the service stops.
        using (var first = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" }) { KeepDataDir = true })
        {
            var api = new ApiClient(first.CreateClient());
            var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
            jobId = (await api.CreateJobAsync(SmallJob(file, 1)))["id"]!.GetValue<string>();
            dataDir = first.DataDir;
        }
        Assert.True(File.Exists(Path.Combine(dataDir, "tuning.db")), "embedded mode should keep its SQLite database in the data directory");

        // Second start on the same data directory, with the in-process worker: the job is dispatched again.
        using var second = new TuningApiFactory(dataDir: dataDir);
        var restarted = new ApiClient(second.CreateClient());
        var job = await restarted.WaitForJobAsync(jobId, FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job after restart: {job}");
    }

    [Fact]
    public async Task A_running_job_stops_within_seconds_when_cancelled()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var jobId = (await api.CreateJobAsync(SmallJob(file, 50)))["id"]!.GetValue<string>();

        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}"))["progress"]!["step"]!.GetValue<int>() == 0)
        {
            Assert.True(DateTime.UtcNow < until, "the job never started training");
            await Task.Delay(200);
        }
        var running = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
        Assert.Equal("running", running["status"]!.GetValue<string>());
        Assert.Contains(running["progress"]!["phase"]!.GetValue<string>(), new[] { "training", "evaluating", "saving" });
        var response = await api.Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/cancel", null);
        var cancelled = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.True(cancelled["progress"]!["step"]!.GetValue<int>() < cancelled["progress"]!["total_steps"]!.GetValue<int>());
        Assert.Null(cancelled["fine_tuned_model"]);
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events"))["data"]!.AsArray();
        Assert.Equal("The job was cancelled.", events[0]!["message"]!.GetValue<string>());
    }
}
