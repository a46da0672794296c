using System.Text.Json.Nodes;
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
        await KillMidJobAndCompareWithAnUninterruptedRunAsync(async api =>
        {
            var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
            return new
            {
                model = "babyllama-tinystories", training_file = file, seed = 12,
                method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 8, batch_size = 8, checkpoint_every_steps = 4 } } },
            };
        });
    }

    [Fact]
    public async Task A_dpo_job_continues_on_another_worker_after_its_worker_is_killed()
    {
        string training = "", validation = "";
        var events = await KillMidJobAndCompareWithAnUninterruptedRunAsync(async api =>
        {
            var (train, heldOut) = StoryPreferences.Build(namesPerStory: 2);
            training = await api.UploadContentAsync(StoryPreferences.Jsonl(train), "stories-train.jsonl");
            validation = await api.UploadContentAsync(StoryPreferences.Jsonl(heldOut.Take(16)), "stories-validation.jsonl");
            // Full fine-tuning: the reference log-probs are computed once, before training, and cached with the tokens.
            return new
            {
                model = "babyllama-tinystories", training_file = training, validation_file = validation, seed = 15,
                method = new { type = "dpo", dpo = new { hyperparameters = new { n_epochs = 3, batch_size = 4, checkpoint_every_steps = 4, training_type = "full" } } },
            };
        });

        // The second worker took the reference log-probs of both files from the cache that the first worker wrote; it
        // did not score the pairs again with the checkpoint it resumed from (which would change the losses compared).
        var messages = events.Select(e => e!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.StartsWith($"Training file {training} (tokens from the cache)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"Validation file {validation} (tokens from the cache)", StringComparison.Ordinal));
    }

    /// <summary>
    /// Creates the job that <paramref name="setUp"/> describes (after uploading its files) on a service with no worker
    /// of its own, kills the worker process at step 11, lets a second worker finish it, then runs the same job
    /// uninterrupted and compares the per-step training losses. Answers the killed job's events.
    /// </summary>
    async Task<JsonArray> KillMidJobAndCompareWithAnUninterruptedRunAsync(Func<ApiClient, Task<object>> setUp)
    {
        var database = postgres.CreateDatabase();
        using var factory = new TuningApiFactory(database, new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:LeaseSeconds"] = "4", ["Tuning:JobInvisibilitySeconds"] = "6",
        });
        var api = new ApiClient(factory.CreateClient());
        var job = await setUp(api);

        var killedJob = (await api.CreateJobAsync(job))["id"]!.GetValue<string>();
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

        var reference = (await api.CreateJobAsync(job))["id"]!.GetValue<string>();
        Assert.Equal("succeeded", (await api.WaitForJobAsync(reference, FineTuneScenario.Deadline))["status"]!.GetValue<string>());
        Assert.Equal(await JobMetrics.TrainLossesAsync(api, reference), await JobMetrics.TrainLossesAsync(api, killedJob));
        return events;
    }
}
