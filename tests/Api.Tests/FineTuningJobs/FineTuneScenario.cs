using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// What a user does end to end: upload the sample data, create a job on the built-in model, poll it to success,
/// then download the fine-tuned checkpoint and the model and check that they load and fit the data better.
/// Shared by the SQLite, PostgreSQL and separate-worker tests.
/// </summary>
public static class FineTuneScenario
{
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    public static async Task<JsonObject> RunAsync(ApiClient api)
    {
        var trainPath = RepoPaths.Sample("sst2-sentiment-train.jsonl");
        var training = await api.UploadFileAsync(trainPath);
        var validation = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = training, validation_file = validation, suffix = "sst2", seed = 7,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 2, batch_size = 16, learning_rate_multiplier = 2 } } },
        });
        var jobId = created["id"]!.GetValue<string>();
        Assert.Equal("queued", created["status"]!.GetValue<string>());

        var job = await api.WaitForJobAsync(jobId, Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        var fineTuned = job["fine_tuned_model"]!.GetValue<string>();
        Assert.Equal($"ft:babyllama-tinystories:sst2:{jobId}", fineTuned);
        Assert.Equal(26, job["progress"]!["total_steps"]!.GetValue<int>()); // 2 epochs × ceil(200 / 16)
        Assert.Equal(26, job["progress"]!["step"]!.GetValue<int>());
        Assert.True(job["trained_tokens"]!.GetValue<long>() > 0);

        var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints"))["data"]!.AsArray();
        Assert.Equal([26, 13], checkpoints.Select(c => c!["step_number"]!.GetValue<int>()));
        Assert.NotNull(checkpoints[0]!["metrics"]!["valid_loss"]);
        // The job names its best checkpoint: the one with the lowest validation loss.
        var best = checkpoints.MinBy(c => c!["metrics"]!["valid_loss"]!.GetValue<double>())!["id"]!.GetValue<string>();
        Assert.Equal(best, job["best_checkpoint"]!.GetValue<string>());
        Assert.Null(job["progress"]!["phase"]);

        var metrics = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/metrics"))["data"]!.AsArray();
        Assert.Equal(26, metrics.Count);
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=200"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["type"]!.GetValue<string>() == "metrics");
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().Contains(fineTuned, StringComparison.Ordinal));

        // The final checkpoint, downloaded as a user would, loads and fits the training data better than the base model.
        var checkpointId = checkpoints[0]!["id"]!.GetValue<string>();
        using var download = await api.Http.GetAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints/{checkpointId}/content");
        Assert.True(download.IsSuccessStatusCode, $"checkpoint download: {(int)download.StatusCode}");
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json" })
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing from the downloaded checkpoint");
        var baseLoss = ModelLoss.OnFile(RepoPaths.BuiltInModel, trainPath);
        var tunedLoss = ModelLoss.OnFile(folder, trainPath);
        Assert.True(tunedLoss < baseLoss * 0.8, $"fine-tuned loss {tunedLoss:F4} is not clearly below the base model's {baseLoss:F4}");

        // The fine-tuned model is listed and downloadable under its own id.
        var models = (await api.GetJsonAsync("/v1/models"))["data"]!.AsArray();
        Assert.Contains(models, m => m!["id"]!.GetValue<string>() == fineTuned);
        using var modelDownload = await api.Http.GetAsync($"/v1/models/{fineTuned}/content");
        var modelFolder = await TarArchive.ExtractSingleFolderAsync(modelDownload);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")),
            await File.ReadAllBytesAsync(Path.Combine(modelFolder, "model.safetensors")));

        // The fine-tuned model and each checkpoint answer completions.
        foreach (var model in new[] { fineTuned, checkpoints[1]!["fine_tuned_model_checkpoint"]!.GetValue<string>() })
        {
            using var completion = await api.Http.PostAsJsonAsync("/v1/completions",
                new { model, prompt = "Review: a gorgeous , witty film . Sentiment:", max_tokens = 9, temperature = 0 });
            var body = await ApiClient.JsonAsync(completion);
            Assert.True(completion.IsSuccessStatusCode, $"completion with {model}: {body}");
            Assert.Equal(model, body["model"]!.GetValue<string>());
        }
        return job;
    }
}
