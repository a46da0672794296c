using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Templates;

/// <summary>A job's template is checked at creation and is what the job trains on.</summary>
public sealed class TemplatedJobTests
{
    static readonly string Questions = RepoPaths.Sample("multitask/hotpotqa-train.jsonl");

    static async Task AssertRefused(ApiClient api, object body, string message)
    {
        var response = await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", body);
        var json = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {json}");
        Assert.Equal("template", json["error"]!["param"]!.GetValue<string>());
        Assert.Contains(message, json["error"]!["message"]!.GetValue<string>());
        Assert.Empty((await api.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());
    }

    [Fact]
    public async Task A_template_that_does_not_fit_the_files_is_refused_at_creation()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var api = new ApiClient(factory.CreateClient());
        var training = await api.UploadFileAsync(Questions);
        var validation = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        const string model = "babyllama-tinystories";
        await AssertRefused(api, new { model, training_file = training, template = "qa" }, "There is no template 'qa'");
        await AssertRefused(api, new { model, training_file = training, template = "open_qa" }, "needs the field 'question'");
        await AssertRefused(api, new { model, training_file = training, template = new { prompt = "Q: {question} A:", completion = " {completion}" } }, "uses {question}");
        // The validation file is rendered too: {answer} from its completion fits, {question} from 'query' does not.
        var mapped = new { name = "open_qa", fields = new { question = "prompt", answer = "completion" } };
        await api.CreateJobAsync(new { model, training_file = training, template = mapped });
        var wrongValidation = new { name = "open_qa", fields = new { question = "query", answer = "completion" } };
        var response = await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", new { model, training_file = training, validation_file = validation, template = wrongValidation });
        Assert.Contains("reads 'question' from the field 'query'", (await ApiClient.JsonAsync(response))["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_job_trains_on_its_rendered_records()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var lines = File.ReadLines(Questions).Take(8).ToList();
        var upload = await api.UploadAsync(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), "questions.jsonl");
        var file = (await ApiClient.JsonAsync(upload))["id"]!.GetValue<string>();
        var tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);

        // One phrasing, so the expected text is known: trained_tokens counts BOS + prompt + completion + EOS per record.
        var own = await Train(api, file, new { prompt = "Question: {prompt} Answer:", completion = " {completion}" }, seed: 1);
        var expected = lines.Select(l => JsonNode.Parse(l)!).Sum(r =>
            2 + tokenizer.Encode($"Question: {r["prompt"]!.GetValue<string>().Trim()} Answer:").Count
              + tokenizer.Encode(" " + r["completion"]!.GetValue<string>().Trim()).Count);
        Assert.True(expected < 8 * 256, "the records must fit the context for this count");
        Assert.Equal(expected, own["trained_tokens"]!.GetValue<long>());

        // A library template on the same file trains on what the preview shows for the job's seed (no stale cached tokens).
        var library = new { name = "open_qa", fields = new { question = "prompt", answer = "completion" } };
        var job = await Train(api, file, library, seed: 5);
        var preview = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync($"/v1/files/{file}/preview", new { template = library, seed = 5, limit = 8 }));
        Assert.Equal(preview["data"]!.AsArray().Sum(e => e!["tokens"]!.AsArray().Count), job["trained_tokens"]!.GetValue<long>());
        Assert.NotEqual(expected, job["trained_tokens"]!.GetValue<long>());
    }

    static async Task<JsonObject> Train(ApiClient api, string file, object template, int seed)
    {
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, template, seed,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 8 } } },
        });
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), TimeSpan.FromMinutes(5));
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        return job;
    }
}
