using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>A dry run's plan against the job that then really runs from the same request.</summary>
public sealed class DryRunRealJobTests
{
    [Fact]
    public async Task A_packed_accumulating_job_takes_the_steps_and_tokens_its_dry_run_planned()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var text = string.Join('\n', File.ReadLines(RepoPaths.Sample("sst2-sentiment-train.jsonl")).Take(40)) + "\n";
        var training = (await ApiClient.JsonAsync(await api.UploadAsync(Encoding.UTF8.GetBytes(text), "tiny.jsonl")))["id"]!.GetValue<string>();
        // Packing makes the step count depend on the lengths and the seed, and accumulation on the batch count: the hard case.
        var request = new JsonObject
        {
            ["model"] = "babyllama-tinystories", ["training_file"] = training, ["seed"] = 13,
            ["method"] = JsonNode.Parse("""{"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3, "batch_size": 2, "gradient_accumulation_steps": 2, "packing": true}}}"""),
        };
        var dryRequest = request.DeepClone().AsObject();
        dryRequest["dry_run"] = true;

        var response = await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", dryRequest);
        var plan = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"dry run failed: {plan}");
        Assert.Empty((await api.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());

        var created = await api.CreateJobAsync(request);
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");

        var totalSteps = plan["total_steps"]!.GetValue<int>();
        Assert.Equal(totalSteps, job["progress"]!["total_steps"]!.GetValue<int>());
        Assert.Equal(totalSteps, job["progress"]!["step"]!.GetValue<int>());
        Assert.Equal(totalSteps, (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/metrics"))["data"]!.AsArray().Count);
        Assert.Equal(plan["trained_tokens"]!.GetValue<long>(), job["trained_tokens"]!.GetValue<long>());
        Assert.Equal(plan["hyperparameters"]!["learning_rate"]!.GetValue<double>(), job["hyperparameters"]!["learning_rate"]!.GetValue<double>());
        Assert.Equal(plan["hyperparameters"]!["n_epochs"]!.GetValue<int>(), job["hyperparameters"]!["n_epochs"]!.GetValue<int>());

        // Now the server has a finished job on this model: the next plan's throughput is the one the job showed.
        var again = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", dryRequest));
        Assert.Equal("finished_jobs", again["estimate_source"]!.GetValue<string>());
        Assert.Equal(job["progress"]!["tokens_per_second"]!.GetValue<double>(), again["estimate_tokens_per_second"]!.GetValue<double>());
        Assert.True(again["estimated_duration_seconds"]!.GetValue<double>() > 0);
    }
}
