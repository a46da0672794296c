using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// A worker process killed mid-job (as kill -9 would) loses its lease; another worker picks the job up from
/// PostgreSQL's queue and continues from the last checkpoint, and the losses equal an uninterrupted run's.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KillAndResumeTests(PostgresServer postgres)
{
    // Short lease and re-delivery so the test does not wait the production minutes.
    static readonly Dictionary<string, string> FastFailover = new() { ["Tuning__LeaseSeconds"] = "4", ["Tuning__JobInvisibilitySeconds"] = "6" };

    [Fact]
    public async Task A_job_continues_on_another_worker_after_its_worker_is_killed()
    {
        var database = postgres.CreateDatabase();
        using var factory = new TuningApiFactory(database, new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:LeaseSeconds"] = "4", ["Tuning:JobInvisibilitySeconds"] = "6",
        });
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        object Job() => new
        {
            model = "babyllama-tinystories", training_file = file, seed = 12,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 8, batch_size = 8, checkpoint_every_steps = 4 } } },
        };

        var killedJob = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
        using (var first = new WorkerProcess(database, factory.DataDir, FastFailover))
        {
            // Step 11 is between checkpoints (every 4 steps): the work after step 8 is lost and redone.
            await JobMetrics.WaitForStepAsync(api, killedJob, 11, FineTuneScenario.Deadline);
            first.Kill();
        }
        using var second = new WorkerProcess(database, factory.DataDir, FastFailover);
        var resumed = await api.WaitForJobAsync(killedJob, FineTuneScenario.Deadline);
        Assert.True(resumed["status"]!.GetValue<string>() == "succeeded", $"after the kill: {resumed}\n{second.Output}");
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{killedJob}/events?limit=1000"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().Contains("interrupted", StringComparison.Ordinal)
                                     && e["message"]!.GetValue<string>().Contains("continuing from step", StringComparison.Ordinal));

        var reference = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
        Assert.Equal("succeeded", (await api.WaitForJobAsync(reference, FineTuneScenario.Deadline))["status"]!.GetValue<string>());
        Assert.Equal(await JobMetrics.TrainLossesAsync(api, reference), await JobMetrics.TrainLossesAsync(api, killedJob));
    }
}
