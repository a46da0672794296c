using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Tests.FineTuningJobs;
using TuningService.Api.Tests.Support;
using TuningService.Core.Generation;
using TuningService.Core.Inference;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Completions;

/// <summary>
/// A LoRA job's fine-tuned model answers /v1/completions as its adapter on the one loaded copy of its base, with the
/// text its merged model gives; with its adapter folder gone it is still served, from the merged folder.
/// </summary>
public sealed class LoraAdapterServingTests
{
    const string Prompt = "Once upon a time";
    const int MaxTokens = 30;

    /// <summary>What the engine gives greedily for the prompt on the model in <paramref name="folder"/>.</summary>
    static string Greedy(string folder)
    {
        using var loaded = PretrainedModelLoader.Load(folder, TorchSharp.torch.CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(folder);
        IReadOnlyList<int> ids = [tokenizer.BosId!.Value, .. tokenizer.Encode(Prompt)];
        return TextGenerator.Generate(loaded.AsCausalLanguageModel(), tokenizer, [ids], new GenerationOptions { Temperature = 0, MaxNewTokens = MaxTokens })[0].Text;
    }

    static async Task<string> CompleteAsync(ApiClient api, string model)
    {
        var response = await api.Http.PostAsJsonAsync("/v1/completions", new { model, prompt = Prompt, max_tokens = MaxTokens, temperature = 0 });
        var body = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{model}: {(int)response.StatusCode} {body}");
        return body["choices"]![0]!["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_lora_fine_tune_is_served_on_its_loaded_base_with_its_merged_models_text_and_without_its_adapter_from_the_merged_folder()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, seed = 11, suffix = "served",
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 2, batch_size = 8, training_type = "lora", lora_r = 4, lora_alpha = 8 } } },
        });
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        var model = job["fine_tuned_model"]!.GetValue<string>();
        using var download = await api.Http.GetAsync($"/v1/models/{model}/content?variant=merged");
        var expected = Greedy(await TarArchive.ExtractSingleFolderAsync(download));
        var cache = factory.Services.GetRequiredService<ModelCache>();

        Assert.Equal(Greedy(RepoPaths.BuiltInModel), await CompleteAsync(api, "babyllama-tinystories"));
        Assert.Equal(expected, await CompleteAsync(api, model));
        Assert.Equal(Greedy(RepoPaths.BuiltInModel), await CompleteAsync(api, "babyllama-tinystories")); // the base again, adapter off

        var held = cache.Snapshot();
        Assert.Equal(["babyllama-tinystories"], held.Where(m => m.BaseModelId is null).Select(m => m.Id));
        Assert.Equal("babyllama-tinystories", Assert.Single(held, m => m.Id == model).BaseModelId);

        // Without adapter folders the final checkpoint (the fine-tune's own folder, under a new id) is served whole.
        foreach (var adapter in Directory.EnumerateDirectories(factory.DataDir, "adapter", SearchOption.AllDirectories).ToList())
            Directory.Delete(adapter, recursive: true);
        var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/checkpoints"))["data"]!.AsArray();
        var final = checkpoints.MaxBy(c => c!["step_number"]!.GetValue<int>())!["fine_tuned_model_checkpoint"]!.GetValue<string>();
        Assert.Equal(expected, await CompleteAsync(api, final));
        Assert.Null(Assert.Single(cache.Snapshot(), m => m.Id == final).BaseModelId);
    }
}
