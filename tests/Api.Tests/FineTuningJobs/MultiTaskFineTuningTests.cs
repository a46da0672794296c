using System.Net;
using System.Net.Http.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>A job over three task files: the realised mix is reported and every checkpoint carries per-task metrics.</summary>
public sealed class MultiTaskFineTuningTests
{
    static readonly string[] TaskNames = ["common_gen", "commonsense_qa", "hotpotqa"];

    [Fact]
    public async Task A_three_task_job_reports_its_mix_and_per_task_metrics()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var tasks = new List<object>();
        foreach (var name in TaskNames)
            tasks.Add(new
            {
                name,
                training_file = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", $"{name}-train.jsonl"))),
                validation_file = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", $"{name}-validation.jsonl"))),
            });
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", tasks, mixing = new { strategy = "temperature", temperature = 2, cap = 60 }, seed = 9,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 2, batch_size = 16 } } },
        });
        Assert.Equal(3, created["tasks"]!.AsArray().Count);
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");

        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/events?limit=500"))["data"]!.AsArray();
        var mix = events.Single(e => e!["message"]!.GetValue<string>().StartsWith("Multi-task mixing (temperature", StringComparison.Ordinal))!["message"]!.GetValue<string>();
        Assert.All(TaskNames, t => Assert.Contains(t, mix));

        var series = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/metrics"))["data"]!.AsArray();
        var withTasks = series.Where(p => p!["per_task"] is not null).ToList();
        Assert.Equal(2, withTasks.Count); // one per epoch end
        Assert.Equal(TaskNames, withTasks[^1]!["per_task"]!.AsObject().Select(p => p.Key).Order());

        var checkpoint = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/checkpoints"))["data"]![0]!;
        var perTask = checkpoint["metrics"]!["per_task"]!.AsObject();
        Assert.Equal(TaskNames, perTask.Select(p => p.Key).Order());
        foreach (var (_, metrics) in perTask)
        {
            Assert.True(metrics!["valid_loss"]!.GetValue<double>() > 0);
            Assert.True(metrics["train_loss"]!.GetValue<double>() > 0);
        }
    }

    [Fact]
    public async Task Records_that_carry_a_task_make_a_multi_task_job_from_one_file()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", "mixed-train.jsonl")));
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, validation_file = file, seed = 2,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16 } } },
        });
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        var checkpoint = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/checkpoints"))["data"]![0]!;
        Assert.Equal(TaskNames, checkpoint["metrics"]!["per_task"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Bad_tasks_and_mixing_name_the_field()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample(Path.Combine("multitask", "hotpotqa-train.jsonl")));
        var cases = new (object Body, string Param)[]
        {
            (new { model = "babyllama-tinystories", tasks = new[] { new { name = "a", training_file = file, weight = 0.0 } } }, "tasks[0].weight"),
            (new { model = "babyllama-tinystories", tasks = new[] { new { name = "a", training_file = "file-nope", weight = 1.0 } } }, "tasks[0].training_file"),
            (new { model = "babyllama-tinystories", training_file = file, mixing = new { strategy = "zipf" } }, "mixing.strategy"),
        };
        foreach (var (body, param) in cases)
        {
            var response = await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", body);
            var json = await ApiClient.JsonAsync(response);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(param, json["error"]!["param"]!.GetValue<string>());
        }
    }
}
