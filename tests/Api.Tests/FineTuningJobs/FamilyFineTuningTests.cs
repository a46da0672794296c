using System.Net.Http.Json;
using TorchSharp;
using TuningService.Api.Tests.Support;
using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// Every family fine-tunes through the same job API: a tiny T5 (encoder-decoder) and a tiny GPT-2 fixture from
/// Tuning:ModelsPath train on the sample data, their loss falls, and the downloaded model reloads and generates.
/// </summary>
public sealed class FamilyFineTuningTests
{
    [Theory]
    [InlineData("flan-t5-tiny")]
    [InlineData("gpt2-tiny")]
    public async Task A_tiny_model_of_the_family_fine_tunes_through_the_job_api(string model)
    {
        var modelsPath = TinyModelFolders.Create();
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:ModelsPath"] = modelsPath });
        var api = new ApiClient(factory.CreateClient());
        var trainPath = RepoPaths.Sample("sst2-sentiment-validation.jsonl");
        var file = await api.UploadFileAsync(trainPath);
        var created = await api.CreateJobAsync(new
        {
            model, training_file = file, seed = 3,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 4, batch_size = 8, learning_rate_multiplier = 4 } } },
        });
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");

        var fineTuned = job["fine_tuned_model"]!.GetValue<string>();
        using var download = await api.Http.GetAsync($"/v1/models/{fineTuned}/content");
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        var before = ModelLoss.OnFile(Path.Combine(modelsPath, model), trainPath);
        var after = ModelLoss.OnFile(folder, trainPath);
        Assert.True(after < before * 0.8, $"{model}: loss {after:F4} after fine-tuning is not clearly below {before:F4} before");

        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(folder);
        var prompt = tokenizer.Encode("Review: a gorgeous film . Sentiment:");
        var generated = loaded.Model switch
        {
            Seq2SeqLanguageModel s => Seq2SeqGreedyGenerator.Generate(s, [.. prompt, tokenizer.EosId!.Value], 6, tokenizer.EosId),
            CausalLanguageModel c => GreedyGenerator.Generate(c, [tokenizer.BosId!.Value, .. prompt], 6, tokenizer.EosId),
            _ => throw new InvalidOperationException(loaded.Model.GetType().Name),
        };
        Assert.NotEmpty(generated.TokenIds);

        // The fine-tuned model answers over HTTP, plainly and streamed, with the same text.
        var request = new { model = fineTuned, prompt = "Review: a gorgeous film . Sentiment:", max_tokens = 6, temperature = 0 };
        var plain = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync("/v1/completions", request));
        var text = plain["choices"]![0]!["text"]!.GetValue<string>();
        var streamed = await (await api.Http.PostAsJsonAsync("/v1/completions", new { request.model, request.prompt, request.max_tokens, request.temperature, stream = true }))
            .Content.ReadAsStringAsync();
        var chunks = streamed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", chunks[^1]);
        Assert.Equal(text, string.Concat(chunks[..^1].Select(c => System.Text.Json.Nodes.JsonNode.Parse(c["data: ".Length..])!["choices"]![0]!["text"]!.GetValue<string>())));
    }
}
