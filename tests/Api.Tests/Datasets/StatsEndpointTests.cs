using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Tests.Support;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Datasets;

/// <summary>
/// GET /v1/files/{id}/stats on the shipped samples. Expected values are computed here by reading the files
/// independently (JSON parsed in the test, tokens counted with the model's tokenizer and the framing written out:
/// BOS + prompt, completion + EOS).
/// </summary>
public sealed class StatsEndpointTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public StatsEndpointTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    static List<JsonElement> Records(string path) => [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public async Task Sst2_counts_its_labels_and_tokens_as_the_file_holds_them()
    {
        var path = RepoPaths.Sample("sst2-sentiment-train.jsonl");
        var id = await api.UploadFileAsync(path);
        var records = Records(path);
        var labels = records.GroupBy(r => r.GetProperty("completion").GetString()!.Trim()).ToDictionary(g => g.Key, g => g.Count());
        var tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);
        var bos = tokenizer.AddBos ? 1 : 0;
        var sequenceLengths = records.Select(r => bos + tokenizer.Encode(r.GetProperty("prompt").GetString()!).Count
                                                + tokenizer.Encode(r.GetProperty("completion").GetString()!).Count + 1).ToList();

        var stats = await api.GetJsonAsync($"/v1/files/{id}/stats");

        Assert.Equal("file.stats", stats["object"]!.GetValue<string>());
        Assert.Equal("babyllama-tinystories", stats["model"]!.GetValue<string>());
        Assert.Equal(records.Count, stats["record_count"]!.GetValue<int>());
        Assert.Equal(256, stats["max_seq_length"]!.GetValue<int>());
        var labelArray = stats["labels"]!.AsArray();
        Assert.Equal(labels.Count, labelArray.Count);
        foreach (var label in labelArray)
            Assert.Equal(labels[label!["label"]!.GetValue<string>()], label["count"]!.GetValue<int>());
        var sequences = stats["sequence_tokens"]!;
        Assert.Equal(sequenceLengths.Sum(), sequences["total"]!.GetValue<long>());
        Assert.Equal(sequenceLengths.Min(), sequences["min"]!.GetValue<int>());
        Assert.Equal(sequenceLengths.Max(), sequences["max"]!.GetValue<int>());
        Assert.Equal(records.Count, sequences["histogram"]!.AsArray().Sum(b => b!["count"]!.GetValue<int>()));
        Assert.Equal(sequenceLengths.Sum(), stats["prompt_tokens"]!["total"]!.GetValue<long>() + stats["completion_tokens"]!["total"]!.GetValue<long>());
        Assert.Equal(0, stats["truncated_examples"]!.GetValue<int>());
        Assert.Equal(sequenceLengths.Sum(), stats["training_tokens"]!.GetValue<long>());
        Assert.Equal("linear", stats["percentile_method"]!.GetValue<string>());
        var task = Assert.Single(stats["tasks"]!.AsArray());
        Assert.Equal("sst2-sentiment-train", task!["task"]!.GetValue<string>());
        Assert.False(stats["cached"]!.GetValue<bool>());

        // A limit below the longest record truncates exactly the longer ones, and the answer is cached per limit.
        var limit = (int)sequenceLengths.Order().ElementAt(sequenceLengths.Count / 2);
        var limited = await api.GetJsonAsync($"/v1/files/{id}/stats?max_seq_length={limit}");
        Assert.Equal(sequenceLengths.Count(l => l > limit), limited["truncated_examples"]!.GetValue<int>());
        Assert.Equal(sequenceLengths.Sum(l => Math.Min(l, limit)), limited["training_tokens"]!.GetValue<long>());
        Assert.Equal(sequences.ToJsonString(), limited["sequence_tokens"]!.ToJsonString()); // untruncated lengths do not change
        Assert.True((await api.GetJsonAsync($"/v1/files/{id}/stats?max_seq_length={limit}"))["cached"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Mixed_multitask_data_is_counted_per_task()
    {
        var path = RepoPaths.Sample(Path.Combine("multitask", "mixed-train.jsonl"));
        var id = await api.UploadFileAsync(path);
        var expected = Records(path).GroupBy(r => r.GetProperty("task").GetString()!).ToDictionary(g => g.Key, g => g.Count());

        var stats = await api.GetJsonAsync($"/v1/files/{id}/stats");

        var tasks = stats["tasks"]!.AsArray().ToDictionary(t => t!["task"]!.GetValue<string>(), t => t!["records"]!.GetValue<int>());
        Assert.Equal(expected.OrderBy(p => p.Key), tasks.OrderBy(p => p.Key));
        Assert.Equal(expected.Values.Sum(), stats["record_count"]!.GetValue<int>());
        Assert.Null(stats["labels"]); // free-text answers are not labels
    }

    [Fact]
    public async Task Alpaca_records_are_counted_as_their_default_rendering()
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "fixtures", "datasets", "self-instruct-seed-60-alpaca.jsonl");
        var id = await api.UploadFileAsync(path);
        var tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);
        var records = Records(path);
        var prompts = records.Select(r => AlpacaTemplate.Render(r.GetProperty("instruction").GetString()!,
            r.TryGetProperty("input", out var input) ? input.GetString() : null, r.GetProperty("output").GetString()!).Prompt).ToList();

        var stats = await api.GetJsonAsync($"/v1/files/{id}/stats");

        Assert.Equal(records.Count, stats["record_count"]!.GetValue<int>());
        Assert.Equal(prompts.Sum(p => (tokenizer.AddBos ? 1 : 0) + tokenizer.Encode(p).Count), stats["prompt_tokens"]!["total"]!.GetValue<long>());
        var expectedTasks = records.GroupBy(r => r.GetProperty("task").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedTasks.OrderBy(p => p.Key),
            stats["tasks"]!.AsArray().ToDictionary(t => t!["task"]!.GetValue<string>(), t => t!["records"]!.GetValue<int>()).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task A_fine_tuned_model_counts_with_the_tokenizer_its_folder_holds()
    {
        var id = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        const string fineTuned = "ft:babyllama-tinystories:stats:ftjob-stats";
        await SeedFineTunedModelAsync(fineTuned);

        var baseStats = await api.GetJsonAsync($"/v1/files/{id}/stats?model=babyllama-tinystories");
        var tunedStats = await api.GetJsonAsync($"/v1/files/{id}/stats?model={Uri.EscapeDataString(fineTuned)}");

        Assert.Equal(fineTuned, tunedStats["model"]!.GetValue<string>());
        foreach (var key in new[] { "prompt_tokens", "completion_tokens", "training_tokens", "labels" })
            Assert.Equal(baseStats[key]!.ToJsonString(), tunedStats[key]!.ToJsonString());
    }

    [Theory]
    [InlineData("model=gpt-5", HttpStatusCode.NotFound, "model")]
    [InlineData("max_seq_length=abc", HttpStatusCode.BadRequest, "max_seq_length")]
    [InlineData("max_seq_length=1", HttpStatusCode.BadRequest, "max_seq_length")]
    [InlineData("max_seq_length=-5", HttpStatusCode.BadRequest, "max_seq_length")]
    [InlineData("max_seq_length=2000000", HttpStatusCode.BadRequest, "max_seq_length")]
    public async Task Bad_queries_name_their_param(string query, HttpStatusCode status, string param)
    {
        var id = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));

        var response = await api.Http.GetAsync($"/v1/files/{id}/stats?{query}");

        var error = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {error}");
        Assert.Equal(param, error["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_file_is_404()
    {
        var response = await api.Http.GetAsync("/v1/files/file-nope/stats");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("file_id", (await ApiClient.JsonAsync(response))["error"]!["param"]!.GetValue<string>());
    }

    /// <summary>A fine-tuned model as a job leaves it: a checkpoint folder (here a copy of the base) and its row.</summary>
    async Task SeedFineTunedModelAsync(string id)
    {
        var relative = DataPaths.CheckpointRelativePath("ftjob-stats", 1);
        var folder = Path.Combine(factory.DataDir, relative);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(RepoPaths.BuiltInModel))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.FineTunedModels.Add(new FineTunedModel
        {
            Id = id, Owner = "local", BaseModel = "babyllama-tinystories", JobId = "ftjob-stats", CreatedAt = Clock.Now(), RelativePath = relative,
        });
        await db.SaveChangesAsync();
    }
}
