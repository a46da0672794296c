using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Api.Tests.Support;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// Each of the six newer families, as a chat model with a real tokenizer and chat template, fine-tunes through the job
/// API on a chat file whose every answer is "Sure thing.", and the downloaded model, reloaded and served, answers a
/// new question with exactly that and stops by itself (finish_reason "stop"): it learned the answer AND its
/// end-of-turn token in its own format — the failure users of other trainers report is a model that never stops.
/// </summary>
public sealed class ChatFamilyFineTuningTests
{
    const string Answer = "Sure thing.";

    [Theory]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    [InlineData("mistral")]
    [InlineData("phi3")]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    public async Task A_chat_model_of_the_family_learns_its_answer_and_to_stop_in_its_own_format(string family)
    {
        var modelsPath = Directory.CreateTempSubdirectory("tuning-chat-models-").FullName;
        var name = $"{family}-chat";
        ChatModelFolders.Create(modelsPath, family, name);
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:ModelsPath"] = modelsPath });
        var api = new ApiClient(factory.CreateClient());

        var lines = Enumerable.Range(1, 12).Select(i => JsonSerializer.Serialize(new
        {
            messages = new object[] { new { role = "user", content = $"Can you help me with task {i}?" }, new { role = "assistant", content = Answer } },
        }));
        var upload = await api.UploadAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), "chat.jsonl");
        var file = (await ApiClient.JsonAsync(upload))["id"]!.GetValue<string>();
        var created = await api.CreateJobAsync(new
        {
            model = name, training_file = file, seed = 5,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 12, batch_size = 4, learning_rate_multiplier = 10 } } },
        });
        var jobId = created["id"]!.GetValue<string>();
        var job = await api.WaitForJobAsync(jobId, FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"{family}: job did not succeed: {job}");
        var events = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=100");
        Assert.Contains(events["data"]!.AsArray(), e => e!["message"]!.GetValue<string>().Contains("the model's own chat template", StringComparison.Ordinal));

        // Downloaded, it reloads as the same family with its tokenizer and template.
        var fineTuned = job["fine_tuned_model"]!.GetValue<string>();
        using var download = await api.Http.GetAsync($"/v1/models/{fineTuned}/content");
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        using (var reloaded = PretrainedModelLoader.Load(folder, torch.CPU))
            Assert.Equal(family == "gemma3" ? "gemma3_text" : family, reloaded.Config.ModelType);
        Assert.True(TokenizerLoader.ReadFolderConfig(folder).ChatTemplate is { Length: > 0 }, $"{family}: the downloaded model lost its chat template");

        // Served, it answers a question it was not trained on in its own format, and stops at its end-of-turn token.
        var chat = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = fineTuned, temperature = 0, max_tokens = 12,
            messages = new object[] { new { role = "user", content = "Can you help me with my homework?" } },
            // Qwen3's template trains an answer after an empty think block and opens that block itself when thinking is off.
            chat_template_kwargs = new { enable_thinking = false },
        }));
        var choice = chat["choices"]![0]!;
        Assert.Equal(Answer, choice["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
    }
}
