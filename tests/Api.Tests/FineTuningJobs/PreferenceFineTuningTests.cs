using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>DPO (method.type "dpo") through the job API on the shipped model, with a preference file made from its held-out stories.</summary>
public sealed class PreferenceFineTuningTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_dpo_job_learns_the_story_preferences_and_beats_the_base_model_on_held_out_stories()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var (train, heldOut) = StoryPreferences.Build(namesPerStory: 8);
        var training = await api.UploadContentAsync(StoryPreferences.Jsonl(train), "stories-train.jsonl");
        var validation = await api.UploadContentAsync(StoryPreferences.Jsonl(heldOut), "stories-heldout.jsonl");

        var stats = await api.GetJsonAsync($"/v1/files/{training}/stats");
        Assert.True(stats["preference_pairs"] is not null, stats.ToJsonString());
        Assert.Equal(train.Count, stats["preference_pairs"]!.GetValue<int>());
        // Each non-preferred answer is a name and EOS: a few tokens each.
        Assert.InRange(stats["non_preferred_tokens"]!["total"]!.GetValue<long>(), 2L * train.Count, 12L * train.Count);

        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = training, validation_file = validation, test_file = validation, suffix = "dpo", seed = 3,
            method = new { type = "dpo", dpo = new { hyperparameters = new { beta = 0.1, n_epochs = 4, batch_size = 8, learning_rate = 1e-4 } } },
        });
        Assert.Equal("dpo", created["method"]!["type"]!.GetValue<string>());
        Assert.Equal(0.1, created["method"]!["dpo"]!["hyperparameters"]!["beta"]!.GetValue<double>());
        Assert.Null(created["method"]!["supervised"]);
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        var jobId = job["id"]!.GetValue<string>();

        var metrics = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/metrics"))["data"]!.AsArray().Select(m => m!).ToList();
        double First(Func<JsonNode, double> value) => metrics.Take(3).Average(value);
        double Last(Func<JsonNode, double> value) => metrics.TakeLast(3).Average(value);
        // The policy starts as its reference: a loss of ln 2 and no pair ranked by a reward.
        Assert.Equal(Math.Log(2), metrics[0]["train_loss"]!.GetValue<double>(), 4);
        Assert.True(Last(m => m["train_loss"]!.GetValue<double>()) < First(m => m["train_loss"]!.GetValue<double>()) - 0.1, "the training loss did not fall");
        Assert.True(Last(m => m["preference"]!["rewards/accuracies"]!.GetValue<double>()) > First(m => m["preference"]!["rewards/accuracies"]!.GetValue<double>()) + 0.2,
            "rewards/accuracies did not rise");
        Assert.Contains(metrics, m => m["preference"]?["valid_rewards/margins"] is not null);

        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=500"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().StartsWith("DPO reference: the starting model's log-probs", StringComparison.Ordinal));
        Assert.Contains(events, e => e!["data"]?["rewards/margins"] is not null);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/v1/fine_tuning/jobs/{jobId}/metrics");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        var csv = await (await api.Http.SendAsync(csvRequest)).Content.ReadAsStringAsync();
        Assert.Contains(",rewards/chosen,rewards/rejected,rewards/margins,rewards/accuracies,logps/chosen,logps/rejected,valid_rewards/chosen", csv.Split('\n')[0]);

        // The downloaded model ranks the held-out stories' names clearly better than the base model does.
        using var download = await api.Http.GetAsync($"/v1/models/{job["fine_tuned_model"]}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        var before = PreferenceAccuracy.OnPairs(RepoPaths.BuiltInModel, heldOut);
        var after = PreferenceAccuracy.OnPairs(folder, heldOut);
        Assert.True(after >= before + 0.2 && after >= 0.75, $"held-out preference accuracy {after:P0}, base model {before:P0}");

        // The job's own evaluation says the same: base vs fine-tuned preference accuracy on the test pairs, the
        // forgetting on the built-in model's held-out stories.
        var report = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/evaluation");
        var change = report["test"]!["change"]!.AsArray().ToDictionary(c => c!["metric"]!.GetValue<string>(), c => c!);
        Assert.Equal(before, change["preference_accuracy"]["before"]!.GetValue<double>(), 6);
        Assert.Equal(after, change["preference_accuracy"]["after"]!.GetValue<double>(), 6);
        Assert.True(change["mean_logprob_margin"]["change"]!.GetValue<double>() > 0);
        Assert.NotEmpty(report["test"]!["samples"]!.AsArray());
        Assert.NotEmpty(report["retention"]!.AsArray());
        output.WriteLine($"pairs: {train.Count} train, {heldOut.Count} held out; steps {metrics.Count}");
        output.WriteLine($"train loss first3 {First(m => m["train_loss"]!.GetValue<double>()):F4} last3 {Last(m => m["train_loss"]!.GetValue<double>()):F4}");
        output.WriteLine($"rewards/accuracies first3 {First(m => m["preference"]!["rewards/accuracies"]!.GetValue<double>()):F3} last3 {Last(m => m["preference"]!["rewards/accuracies"]!.GetValue<double>()):F3}");
        output.WriteLine($"held-out preference accuracy base {before:P1} tuned {after:P1}; mean log-prob margin {change["mean_logprob_margin"]["before"]} -> {change["mean_logprob_margin"]["after"]}");
        output.WriteLine($"retention: {string.Join("; ", report["retention"]!.AsArray().Select(r => r!["dataset_id"] + " " + string.Join(",", r["forgetting"]!.AsArray().Select(c => $"{c!["metric"]} {c["before"]}->{c["after"]}"))))}");
    }

    [Fact]
    public async Task A_supervised_job_then_a_lora_dpo_job_on_its_model()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var (train, _) = StoryPreferences.Build(trainStories: 6, namesPerStory: 2);
        var sft = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl")), seed = 1, suffix = "sft",
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16 } } },
        });
        var sftJob = await api.WaitForJobAsync(sft["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(sftJob["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {sftJob}");
        var sftModel = sftJob["fine_tuned_model"]!.GetValue<string>();

        var preferences = await api.UploadContentAsync(StoryPreferences.Jsonl(train), "stories.jsonl");
        var dpo = await api.CreateJobAsync(new
        {
            model = sftModel, training_file = preferences, seed = 2, suffix = "dpo",
            method = new { type = "dpo", dpo = new { hyperparameters = new { n_epochs = 1, batch_size = 4, training_type = "lora", lora_r = 4, loss_type = "ipo" } } },
        });
        var dpoJob = await api.WaitForJobAsync(dpo["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(dpoJob["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {dpoJob}");
        Assert.Equal($"ft:babyllama-tinystories:dpo:{dpoJob["id"]}", dpoJob["fine_tuned_model"]!.GetValue<string>());
        Assert.Equal("ipo", dpoJob["method"]!["dpo"]!["hyperparameters"]!["loss_type"]!.GetValue<string>());
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{dpoJob["id"]}/events?limit=500"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().StartsWith("DPO reference: the starting model, computed as this model with its LoRA adapters turned off", StringComparison.Ordinal));

        // The DPO model is served like any fine-tuned model.
        using var completion = await api.Http.PostAsync("/v1/completions", System.Net.Http.Json.JsonContent.Create(new
        {
            model = dpoJob["fine_tuned_model"]!.GetValue<string>(), prompt = "Tom had a red ball.", max_tokens = 8, temperature = 0,
        }));
        Assert.True(completion.IsSuccessStatusCode, await completion.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public async Task A_paused_and_resumed_dpo_job_trains_exactly_like_an_uninterrupted_one(string trainingType)
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadContentAsync(StoryPreferences.Jsonl(StoryPreferences.Build(namesPerStory: 2).Train), "stories.jsonl");
        object Job() => new
        {
            model = "babyllama-tinystories", training_file = file, validation_file = file, seed = 4,
            method = new { type = "dpo", dpo = new { hyperparameters = new { n_epochs = 4, batch_size = 4, checkpoint_every_steps = 3, training_type = trainingType } } },
        };

        var uninterrupted = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
        Assert.Equal("succeeded", (await api.WaitForJobAsync(uninterrupted, FineTuneScenario.Deadline))["status"]!.GetValue<string>());

        var paused = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
        await JobMetrics.WaitForStepAsync(api, paused, 8, FineTuneScenario.Deadline);
        var afterPause = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{paused}/pause", null));
        Assert.True(afterPause["status"]!.GetValue<string>() == "paused", $"after pause: {afterPause}");
        var resumed = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{paused}/resume", null));
        Assert.Equal("queued", resumed["status"]!.GetValue<string>());
        var done = await api.WaitForJobAsync(paused, FineTuneScenario.Deadline);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"after resume: {done}");

        // The same steps with bit-identical losses: the resumed run's reference is the starting model's, not the checkpoint's.
        Assert.Equal(await JobMetrics.TrainLossesAsync(api, uninterrupted), await JobMetrics.TrainLossesAsync(api, paused));
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{paused}/events?limit=500"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().StartsWith("Resuming from checkpoint", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"type": "dpo", "dpo": {"hyperparameters": {"beta": 0}}}""", "method.dpo.hyperparameters.beta")]
    [InlineData("""{"type": "dpo", "dpo": {"hyperparameters": {"loss_type": "hinge"}}}""", "method.dpo.hyperparameters.loss_type")]
    [InlineData("""{"type": "dpo", "dpo": {"hyperparameters": {"loss_type": "ipo", "label_smoothing": 0.1}}}""", "method.dpo.hyperparameters.label_smoothing")]
    [InlineData("""{"type": "dpo", "dpo": {"hyperparameters": {"reference": "other"}}}""", "method.dpo.hyperparameters.reference")]
    [InlineData("""{"type": "dpo", "dpo": {"hyperparameters": {"packing": true}}}""", "method.dpo.hyperparameters.packing")]
    [InlineData("""{"type": "reinforcement"}""", "method.type")]
    public async Task Bad_dpo_settings_are_a_400_naming_the_parameter(string method, string param)
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadContentAsync(StoryPreferences.Jsonl(StoryPreferences.Build(trainStories: 2, namesPerStory: 1).Train), "p.jsonl");

        using var response = await api.Http.PostAsync("/v1/fine_tuning/jobs", System.Net.Http.Json.JsonContent.Create(new
        {
            model = "babyllama-tinystories", training_file = file, method = JsonNode.Parse(method),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await ApiClient.JsonAsync(response))["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_preference_file_needs_a_dpo_job_and_a_dpo_job_needs_a_preference_file()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var pairs = await api.UploadContentAsync(StoryPreferences.Jsonl(StoryPreferences.Build(trainStories: 2, namesPerStory: 1).Train), "p.jsonl");
        var sst2 = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));

        using var supervised = await api.Http.PostAsync("/v1/fine_tuning/jobs", System.Net.Http.Json.JsonContent.Create(new { model = "babyllama-tinystories", training_file = pairs }));
        using var dpo = await api.Http.PostAsync("/v1/fine_tuning/jobs", System.Net.Http.Json.JsonContent.Create(new
        {
            model = "babyllama-tinystories", training_file = sst2, method = new { type = "dpo" },
        }));

        Assert.Equal(HttpStatusCode.BadRequest, supervised.StatusCode);
        Assert.Contains("method: {\"type\": \"dpo\"}", (await ApiClient.JsonAsync(supervised))["error"]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, dpo.StatusCode);
        Assert.Contains("preference pairs", (await ApiClient.JsonAsync(dpo))["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_preference_line_is_a_400_naming_the_line_and_the_key()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var good = StoryPreferences.Jsonl(StoryPreferences.Build(trainStories: 1, namesPerStory: 1).Train);
        var bad = System.Text.Encoding.UTF8.GetBytes("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": "assistant", "content": "a"}]}""" + "\n");

        using var response = await api.UploadAsync([.. good, .. bad], "bad.jsonl");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("line 2: missing key 'non_preferred_output'", (await ApiClient.JsonAsync(response))["error"]!["message"]!.GetValue<string>());
    }
}
