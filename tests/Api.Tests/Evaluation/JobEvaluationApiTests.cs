using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Tests.FineTuningJobs;
using TuningService.Api.Tests.Support;
using TuningService.Core.Evaluation;
using TuningService.Core.Persistence;

namespace TuningService.Api.Tests.Evaluation;

/// <summary>
/// A short job on SST-2 with a test file, a retention file and the ICL baseline: its evaluation through HTTP (base,
/// ICL, fine-tuned, retention with forgetting, checkpoints, samples), its evaluation result file, its PNG plots, and
/// a second job on the same base model and test file that reuses the base results instead of evaluating again.
/// </summary>
public sealed class JobEvaluationApiTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task A_job_reports_base_icl_fine_tuned_retention_and_checkpoints_and_draws_them()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:EvaluationMaxGeneratedExamples"] = "12" });
        var api = new ApiClient(factory.CreateClient());
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var testLines = File.ReadLines(RepoPaths.Sample("sst2-sentiment-train.jsonl")).Take(16);
        var test = await UploadAsync(api, string.Join('\n', testLines), "sst2-test.jsonl");
        var retention = await UploadAsync(api, string.Join('\n',
            Enumerable.Range(0, 6).Select(i => $$"""{"prompt": "Tom had {{i + 2}} red balls. How many balls did Tom have?", "completion": " {{i + 2}}"}""")),
            "counting.jsonl");
        var stories = await UploadAsync(api, string.Join('\n', File.ReadLines(Path.Combine(RepoPaths.BuiltInModel, "heldout_stories.jsonl")).Skip(40)),
            "stories.jsonl"); // plain text ({"text": ...}): perplexity only

        var first = await RunJobAsync(api, training, test, retention, stories);

        var report = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{first}/evaluation");
        Assert.Equal(("fine_tuning.job.evaluation", "complete", 12), (report["object"]!.GetValue<string>(), report["status"]!.GetValue<string>(),
            report["max_generated_examples"]!.GetValue<int>()));
        var testReport = report["test"]!;
        Assert.Equal((test, 16), (testReport["dataset_id"]!.GetValue<string>(), testReport["records"]!.GetValue<int>()));
        foreach (var model in new[] { "base", "icl", "fine_tuned" })
        {
            Assert.Equal(16, testReport[model]!["teacher_forced"]!["examples"]!.GetValue<int>());
            Assert.Equal(12, testReport[model]!["generated"]!["examples"]!.GetValue<int>());
            Assert.NotNull(testReport[model]!["generated"]!["classification"]); // positive/negative labels
        }
        Assert.Equal((2, 16), (testReport["icl_prompting"]!["shots"]!.GetValue<int>(), testReport["icl_prompting"]!["prompts"]!.GetValue<int>()));
        Assert.Contains(testReport["change"]!.AsArray(), c => c!["metric"]!.GetValue<string>() == "mean_token_accuracy");
        Assert.NotEmpty(testReport["per_task"]!.AsArray());
        Assert.All(testReport["samples"]!.AsArray(), s => Assert.True(s!["base"] is not null && s["icl"] is not null && s["fine_tuned"] is not null, $"{s}"));

        // The retention files and the shipped model's held-out stories, before and after.
        var retained = report["retention"]!.AsArray();
        Assert.Equal([(retention, "instruction"), (stories, "text"), ("babyllama-tinystories/heldout_stories.jsonl", "text")],
            retained.Select(r => (r!["dataset_id"]!.GetValue<string>(), r["kind"]!.GetValue<string>())));
        Assert.All(retained, r => Assert.Contains(r!["forgetting"]!.AsArray(), c => c!["metric"]!.GetValue<string>() == "perplexity"));
        Assert.NotNull(retained[0]!["after"]!["generated"]);
        Assert.Null(retained[1]!["after"]!["generated"]);
        // The base model's held-out perplexity is the one its golden.json records (50 stories, 8508 tokens).
        var heldOut = retained[2]!["before"]!["teacher_forced"]!;
        Assert.Equal(8508, heldOut["tokens"]!.GetValue<long>());
        Assert.InRange(heldOut["perplexity"]!.GetValue<double>(), 2.3519322928495225 * (1 - 1e-5), 2.3519322928495225 * (1 + 1e-5));

        var checkpoints = report["checkpoints"]!.AsArray();
        Assert.NotEmpty(checkpoints);
        Assert.All(checkpoints, c => Assert.Equal(3, c!["retention"]!.AsArray().Count));

        // The evaluation is also a result file, beside the per-step metrics OpenAI's clients read.
        var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{first}");
        var resultFiles = job["result_files"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.Equal(2, resultFiles.Count);
        Assert.StartsWith("step,epoch,train_loss", await api.Http.GetStringAsync($"/v1/files/{resultFiles[0]}/content"));
        var csv = await api.Http.GetStringAsync($"/v1/files/{resultFiles[1]}/content");
        Assert.StartsWith("subject,model,step,dataset_role,dataset_id,task,", csv);
        Assert.Contains($"fine_tuned,ft:babyllama-tinystories:eval:{first},,test,{test},overall,16,", csv);
        Assert.Equal((test, 2, retention), (job["test_file"]!.GetValue<string>(), job["icl_shots"]!.GetValue<int>(), job["retention_files"]![0]!.GetValue<string>()));

        foreach (var plot in new[] { "loss_curves", "before_after", "forgetting" })
        {
            using var png = await api.Http.GetAsync($"/v1/fine_tuning/jobs/{first}/evaluation/plots/{plot}.png");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            Assert.Equal(PngSignature, (await png.Content.ReadAsByteArrayAsync())[..8]);
        }
        using (var unknown = await api.Http.GetAsync($"/v1/fine_tuning/jobs/{first}/evaluation/plots/pie.png"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var missing = await api.Http.GetAsync("/v1/fine_tuning/jobs/ftjob-nosuchjob/evaluation"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("not_found", (await ApiClient.JsonAsync(missing))["error"]!["code"]!.GetValue<string>());
        }

        // A second job on the same base model and data takes the base and ICL results from the cache.
        var second = await RunJobAsync(api, training, test, retention, stories);
        var again = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{second}/evaluation");
        Assert.Equal(testReport["base"]!.ToJsonString(), again["test"]!["base"]!.ToJsonString());
        Assert.Equal(testReport["icl"]!.ToJsonString(), again["test"]!["icl"]!.ToJsonString());
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var cacheRows = await db.Evaluations.Where(e => e.JobId == null).ToListAsync();
        Assert.Equal(5, cacheRows.Count); // base on test, ICL on test, base on each retention set: computed once
        Assert.Equal(cacheRows.Count, cacheRows.Select(r => r.CacheKey).Distinct().Count());
        Assert.Equal(5, await db.Evaluations.CountAsync(e => e.JobId == second && (e.Subject == EvaluationSubjects.Base || e.Subject == EvaluationSubjects.Icl)));
    }

    [Fact]
    public async Task A_job_with_a_test_split_evaluates_its_held_out_part_before_and_after()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:EvaluationMaxGeneratedExamples"] = "4" });
        var api = new ApiClient(factory.CreateClient());
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = training, test_split = 0.2, seed = 4,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16 } } },
        });
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");

        var test = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/evaluation"))["test"]!;
        Assert.Equal(($"{training}:test_split", 10), (test["dataset_id"]!.GetValue<string>(), test["records"]!.GetValue<int>())); // 20% of 50
        Assert.Equal(10, test["base"]!["teacher_forced"]!["examples"]!.GetValue<int>());
        Assert.Equal(4, test["fine_tuned"]!["generated"]!["examples"]!.GetValue<int>());
        Assert.Null(test["icl"]);
        Assert.Equal(0.2, job["test_split"]!.GetValue<double>());
    }

    static async Task<string> RunJobAsync(ApiClient api, string training, string test, params string[] retention)
    {
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = training, test_file = test, retention_files = retention, icl_shots = 2,
            suffix = "eval", seed = 3,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 16, learning_rate_multiplier = 2 } } },
        });
        var id = created["id"]!.GetValue<string>();
        var job = await api.WaitForJobAsync(id, FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        return id;
    }

    static async Task<string> UploadAsync(ApiClient api, string jsonl, string name)
    {
        using var response = await api.UploadAsync(Encoding.UTF8.GetBytes(jsonl + "\n"), name);
        var body = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"upload failed: {body}");
        return body["id"]!.GetValue<string>();
    }
}
