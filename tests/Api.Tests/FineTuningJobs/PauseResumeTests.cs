using System.Net;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>Pause, resume, fork and early stopping through HTTP; a paused-and-resumed run equals an uninterrupted one.</summary>
public sealed class PauseResumeTests
{
    static object Job(string file, int epochs, object? extra = null) => new
    {
        model = "babyllama-tinystories", training_file = file, validation_file = file, seed = 4,
        method = new { type = "supervised", supervised = new { hyperparameters = extra ?? new { n_epochs = epochs, batch_size = 8, checkpoint_every_steps = 3 } } },
    };

    [Fact]
    public async Task A_paused_and_resumed_job_trains_exactly_like_an_uninterrupted_one()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));

        var uninterrupted = (await api.CreateJobAsync(Job(file, 6)))["id"]!.GetValue<string>();
        Assert.Equal("succeeded", (await api.WaitForJobAsync(uninterrupted, FineTuneScenario.Deadline))["status"]!.GetValue<string>());

        var paused = (await api.CreateJobAsync(Job(file, 6)))["id"]!.GetValue<string>();
        await JobMetrics.WaitForStepAsync(api, paused, 8, FineTuneScenario.Deadline);
        var afterPause = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{paused}/pause", null));
        Assert.True(afterPause["status"]!.GetValue<string>() == "paused", $"after pause: {afterPause}");
        var pausedAt = afterPause["progress"]!["step"]!.GetValue<int>();
        Assert.InRange(pausedAt, 8, 41);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Http.PostAsync($"/v1/fine_tuning/jobs/{paused}/pause", null)).StatusCode);

        var resumed = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{paused}/resume", null));
        Assert.Equal("queued", resumed["status"]!.GetValue<string>());
        var done = await api.WaitForJobAsync(paused, FineTuneScenario.Deadline);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"after resume: {done}");

        var expected = await JobMetrics.TrainLossesAsync(api, uninterrupted);
        var actual = await JobMetrics.TrainLossesAsync(api, paused);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual); // the same steps with bit-identical losses, before and after the pause
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{paused}/events?limit=500"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().StartsWith($"Resuming from checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_checkpoint_id_forks_a_new_job_and_early_stopping_says_why()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var first = await api.WaitForJobAsync((await api.CreateJobAsync(Job(file, 2)))["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{first["id"]}/checkpoints"))["data"]!.AsArray();
        Assert.InRange(checkpoints.Count, 1, 4); // the last 3 plus the best
        var fromCheckpoint = checkpoints[^1]!["fine_tuned_model_checkpoint"]!.GetValue<string>();

        // A fork: a new job whose model is a checkpoint, with new hyperparameters; a learning rate this small cannot
        // improve validation loss by the threshold, so early stopping ends it after its patience.
        var forkJob = await api.CreateJobAsync(new
        {
            model = fromCheckpoint, training_file = file, validation_file = file, seed = 4,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 20, batch_size = 8, learning_rate = 1e-9, eval_every_steps = 2, early_stopping_patience = 2, early_stopping_threshold = 0.01 } } },
        });
        var done = await api.WaitForJobAsync(forkJob["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"fork: {done}");
        Assert.True(done["progress"]!["step"]!.GetValue<int>() < done["progress"]!["total_steps"]!.GetValue<int>(), "early stopping should end the run before its last step");
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{done["id"]}/events?limit=500"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().StartsWith("Early stopping at step", StringComparison.Ordinal));
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().Contains(fromCheckpoint, StringComparison.Ordinal) || e["message"]!.GetValue<string>().Contains("Base model " + fromCheckpoint, StringComparison.Ordinal));
        Assert.NotNull(done["best_checkpoint"]);
    }
}
