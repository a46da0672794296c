using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Tests.Support;
using TuningService.Core.Common;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;
using TuningService.Core.Training;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// "dry_run": true plans a job without queuing it. No worker runs here: a dry run must not need one, and nothing
/// it does may reach the queue. (DryRunRealJobTests compares a plan with a job that really runs.)
/// </summary>
public sealed class DryRunTests : IDisposable
{
    const string Model = "babyllama-tinystories";
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public DryRunTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    /// <summary>The first <paramref name="lines"/> records of the SST-2 sample, uploaded.</summary>
    async Task<string> UploadSst2Async(int lines)
    {
        var text = string.Join('\n', File.ReadLines(RepoPaths.Sample("sst2-sentiment-train.jsonl")).Take(lines)) + "\n";
        var response = await api.UploadAsync(Encoding.UTF8.GetBytes(text), $"sst2-{lines}.jsonl");
        return (await ApiClient.JsonAsync(response))["id"]!.GetValue<string>();
    }

    async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(object body)
    {
        var response = await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", body);
        return (response.StatusCode, await ApiClient.JsonAsync(response));
    }

    async Task<(int Jobs, int Events)> RowsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        return (await db.Jobs.CountAsync(), await db.JobEvents.CountAsync());
    }

    [Fact]
    public async Task A_dry_run_answers_the_plan_and_queues_nothing()
    {
        var training = await UploadSst2Async(40);

        var (status, plan) = await PostAsync(new
        {
            model = Model, training_file = training, seed = 3, dry_run = true,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 3, batch_size = 8, max_seq_length = 64 } } },
        });

        Assert.True(status == HttpStatusCode.OK, $"dry run failed: {(int)status} {plan}");
        Assert.Equal("fine_tuning.job.dry_run", plan["object"]!.GetValue<string>());
        Assert.Empty((await api.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());
        Assert.Equal((0, 0), await RowsAsync());

        Assert.Equal(40, plan["training_examples"]!.GetValue<int>());
        Assert.Equal(3, plan["hyperparameters"]!["n_epochs"]!.GetValue<int>());
        Assert.Equal(5, plan["steps_per_epoch"]!.GetValue<int>()); // ceil(40 / 8)
        Assert.Equal(15, plan["total_steps"]!.GetValue<int>());
        Assert.Equal(3 * plan["trained_tokens_per_epoch"]!.GetValue<long>(), plan["trained_tokens"]!.GetValue<long>());
        Assert.Equal(64, plan["max_seq_length"]!.GetValue<int>());
        // The limit's truncations are the ones the statistics endpoint counts for the same file and limit.
        var stats = await api.GetJsonAsync($"/v1/files/{training}/stats?max_seq_length=64");
        Assert.Equal(stats["truncated_examples"]!.GetValue<int>(), plan["truncated_examples"]!.GetValue<int>());
        Assert.Equal(stats["training_tokens"]!.GetValue<long>(), plan["trained_tokens_per_epoch"]!.GetValue<long>());
        var warnings = plan["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.StartsWith("No validation data", StringComparison.Ordinal));
        if (plan["truncated_examples"]!.GetValue<int>() > 0) Assert.Contains(warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.Equal("calibration", plan["estimate_source"]!.GetValue<string>());
        Assert.True(plan["estimated_duration_seconds"]!.GetValue<double>() > 0);
        Assert.True(plan["estimate_tokens_per_second"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task Finished_jobs_on_the_same_base_and_training_type_give_the_throughput()
    {
        var training = await UploadSst2Async(30);
        await SeedFinishedJobAsync(tokensPerSecond: 1234.5, trainingType: "full");
        var body = new { model = Model, training_file = training, seed = 1, dry_run = true };

        var (status, plan) = await PostAsync(body);

        Assert.True(status == HttpStatusCode.OK, $"dry run failed: {(int)status} {plan}");
        Assert.Equal("finished_jobs", plan["estimate_source"]!.GetValue<string>());
        Assert.Equal(1234.5, plan["estimate_tokens_per_second"]!.GetValue<double>());
        // A decoder-only model's throughput tokens are its trained tokens.
        Assert.Equal(plan["trained_tokens"]!.GetValue<long>() / 1234.5, plan["estimated_duration_seconds"]!.GetValue<double>(), 6);
        // "auto" resolved as the worker resolves it for 30 examples: ceil(1000 / 30) = 34 epochs, clamped to 10; batch 30 / 25 = 1.
        Assert.Equal(10, plan["hyperparameters"]!["n_epochs"]!.GetValue<int>());
        Assert.Equal(1, plan["hyperparameters"]!["batch_size"]!.GetValue<int>());
        Assert.Equal(300, plan["total_steps"]!.GetValue<int>());

        // LoRA has no finished job yet: it is calibrated instead.
        var (_, lora) = await PostAsync(new
        {
            model = Model, training_file = training, seed = 1, dry_run = true,
            method = new { type = "supervised", supervised = new { hyperparameters = new { training_type = "lora", batch_size = 8, n_epochs = 1 } } },
        });
        Assert.Equal("calibration", lora["estimate_source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Multi_task_jobs_are_planned_on_their_mixture()
    {
        var commonGen = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", "common_gen-train.jsonl")));
        var hotpot = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", "hotpotqa-train.jsonl")));
        var commonGenRecords = File.ReadLines(RepoPaths.Sample(Path.Combine("multitask", "common_gen-train.jsonl"))).Count(l => l.Length > 0);
        var hotpotRecords = File.ReadLines(RepoPaths.Sample(Path.Combine("multitask", "hotpotqa-train.jsonl"))).Count(l => l.Length > 0);

        var (status, plan) = await PostAsync(new
        {
            model = Model, seed = 5, dry_run = true,
            tasks = new[] { new { name = "common_gen", training_file = commonGen }, new { name = "hotpotqa", training_file = hotpot } },
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16 } } },
        });

        Assert.True(status == HttpStatusCode.OK, $"dry run failed: {(int)status} {plan}");
        var tasks = plan["tasks"]!.AsArray().ToDictionary(t => t!["task"]!.GetValue<string>(), t => t!["records"]!.GetValue<int>());
        Assert.Equal(commonGenRecords, tasks["common_gen"]);
        Assert.Equal(hotpotRecords, tasks["hotpotqa"]);
        // Proportional mixing without a cap uses every example once per epoch.
        Assert.Equal(commonGenRecords + hotpotRecords, plan["training_examples"]!.GetValue<int>());
        Assert.Equal((commonGenRecords + hotpotRecords + 15) / 16, plan["total_steps"]!.GetValue<int>());
        Assert.Contains(plan["notes"]!.AsArray(), n => n!.GetValue<string>().StartsWith("Multi-task mixing", StringComparison.Ordinal));
        Assert.Equal((0, 0), await RowsAsync());
    }

    [Fact]
    public async Task A_template_is_applied_as_the_preview_renders_it()
    {
        var training = await UploadSst2Async(30);
        var template = new { name = "sentiment", fields = new { text = "prompt", label = "completion" } };

        var (status, plan) = await PostAsync(new
        {
            model = Model, training_file = training, seed = 4, template, dry_run = true,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 8 } } },
        });
        var previewResponse = await api.Http.PostAsJsonAsync($"/v1/files/{training}/preview", new { template, seed = 4, limit = 30 });
        var preview = await ApiClient.JsonAsync(previewResponse);

        Assert.True(status == HttpStatusCode.OK, $"dry run failed: {(int)status} {plan}");
        Assert.True(previewResponse.IsSuccessStatusCode, $"preview failed: {preview}");
        var examples = preview["data"]!.AsArray();
        Assert.Equal(30, examples.Count);
        Assert.Equal(examples.Sum(e => e!["tokens"]!.AsArray().Count), plan["trained_tokens_per_epoch"]!.GetValue<long>());
        Assert.Equal(examples.Count(e => e!["truncated"]!.GetValue<bool>()), plan["truncated_examples"]!.GetValue<int>());
    }

    [Fact]
    public async Task Held_out_shares_are_the_split_the_job_makes()
    {
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));

        var (status, plan) = await PostAsync(new
        {
            model = Model, training_file = training, seed = 42, validation_split = 0.1, test_split = 0.1, dry_run = true,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16 } } },
        });
        // The same seed and shares through POST /v1/files/{id}/split: the job splits exactly as that endpoint does.
        var split = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync($"/v1/files/{training}/split", new { train = 0.8, validation = 0.1, test = 0.1, seed = 42 }));
        JsonNode Part(string name) => split["splits"]!.AsArray().Single(p => p!["split"]!.GetValue<string>() == name)!;
        var trainPartStats = await api.GetJsonAsync($"/v1/files/{Part("train")["file"]!["id"]}/stats");

        Assert.True(status == HttpStatusCode.OK, $"dry run failed: {(int)status} {plan}");
        Assert.Equal(Part("train")["record_count"]!.GetValue<int>(), plan["training_examples"]!.GetValue<int>());
        Assert.Equal(Part("validation")["record_count"]!.GetValue<int>(), plan["held_out_for_validation"]!.GetValue<int>());
        Assert.Equal(Part("validation")["record_count"]!.GetValue<int>(), plan["validation_examples"]!.GetValue<int>());
        Assert.Equal(Part("test")["record_count"]!.GetValue<int>(), plan["held_out_for_test"]!.GetValue<int>());
        Assert.Equal(trainPartStats["training_tokens"]!.GetValue<long>(), plan["trained_tokens_per_epoch"]!.GetValue<long>());
        Assert.DoesNotContain(plan["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("No validation data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_requests_get_the_same_errors_as_the_real_create()
    {
        var training = await UploadSst2Async(20);
        object[] bodies =
        [
            new { model = "gpt-5", training_file = training },
            new { model = Model, training_file = "file-doesnotexist" },
            new { model = Model, training_file = training, hyperparameters = new { n_epochs = 0 } },
            new { model = Model, training_file = training, hyperparameters = new { max_seq_length = 1 } },
            new { model = Model, training_file = training, validation_split = 1.5 },
            new { model = Model, training_file = training, suffix = "a:b" },
            new { model = Model, training_file = training, icl_shots = 99 },
            new { model = Model, training_file = training, template = "no-such-template" },
        ];
        foreach (var body in bodies)
        {
            var real = await PostAsync(body);
            var node = JsonSerializer.SerializeToNode(body)!.AsObject();
            node["dry_run"] = true;
            var dry = await PostAsync(node);

            Assert.Equal(HttpStatusCode.BadRequest, real.Status);
            Assert.Equal(real.Status, dry.Status);
            Assert.Equal(real.Body.ToJsonString(), dry.Body.ToJsonString());
        }
        Assert.Equal((0, 0), await RowsAsync());
    }

    [Fact]
    public async Task An_encoder_decoder_model_is_planned_on_its_encoder_input_and_refuses_packing_up_front()
    {
        using var withT5 = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:ModelsPath"] = TinyModelFolders.Create(),
        });
        var t5 = new ApiClient(withT5.CreateClient());
        var text = string.Join('\n', File.ReadLines(RepoPaths.Sample("sst2-sentiment-train.jsonl")).Take(20)) + "\n";
        var training = (await ApiClient.JsonAsync(await t5.UploadAsync(Encoding.UTF8.GetBytes(text), "t5.jsonl")))["id"]!.GetValue<string>();
        object Body(bool packing) => new
        {
            model = "flan-t5-tiny", training_file = training, seed = 2, dry_run = true,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 4, packing } } },
        };

        var planResponse = await t5.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", Body(packing: false));
        var plan = await ApiClient.JsonAsync(planResponse);
        var packedResponse = await t5.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", Body(packing: true));
        var packed = await ApiClient.JsonAsync(packedResponse);
        var stats = await t5.GetJsonAsync($"/v1/files/{training}/stats?model=flan-t5-tiny");

        Assert.True(planResponse.IsSuccessStatusCode, $"dry run failed: {plan}");
        Assert.Equal(5, plan["total_steps"]!.GetValue<int>());
        // Trained tokens of an encoder-decoder model are its encoder inputs: prompt + EOS, as the statistics count prompts.
        Assert.Equal(0, stats["truncated_examples"]!.GetValue<int>());
        Assert.Equal(stats["prompt_tokens"]!["total"]!.GetValue<long>(), plan["trained_tokens_per_epoch"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, packedResponse.StatusCode);
        Assert.Equal("job_would_fail", packed["error"]!["code"]!.GetValue<string>());
        Assert.Equal("method.supervised.hyperparameters.packing", packed["error"]!["param"]!.GetValue<string>());
        Assert.Empty((await t5.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());
    }

    /// <summary>A succeeded job of another owner, as the worker leaves it: throughput is the server's, whoever ran it.</summary>
    async Task SeedFinishedJobAsync(double tokensPerSecond, string trainingType)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.Jobs.Add(new FineTuningJob
        {
            Id = Ids.New("ftjob"), Owner = "someone-else", CreatedAt = Clock.Now(), Model = Model, TrainingFileId = "file-seeded",
            RequestedHyperparametersJson = JsonSerializer.Serialize(RequestedHyperparameters.Auto with { TrainingType = trainingType }),
            Status = JobStatus.Succeeded, TokensPerSecond = tokensPerSecond, Device = TrainingDevice.Select(), FinishedAt = Clock.Now(),
        });
        await db.SaveChangesAsync();
    }
}
