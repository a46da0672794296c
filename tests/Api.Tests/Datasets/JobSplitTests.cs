using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Datasets;

public sealed class JobSplitTests
{
    [Fact]
    public async Task A_job_with_validation_and_test_splits_trains_on_the_rest_and_validates_on_its_part()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = training, validation_split = 0.1, test_split = 0.1, seed = 3,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16 } } },
        });
        var jobId = created["id"]!.GetValue<string>();

        var job = await api.WaitForJobAsync(jobId, TimeSpan.FromMinutes(10));
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        Assert.Equal(10, job["progress"]!["total_steps"]!.GetValue<int>()); // 1 epoch × 160 training records / 16
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=200"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>()
            .Contains("split on the fly: 160 train, 20 validation, 20 test of 200 records (seed 3, stratified by label)", StringComparison.Ordinal));
        var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints"))["data"]!.AsArray();
        Assert.NotNull(checkpoints[0]!["metrics"]!["valid_loss"]);
    }
}
