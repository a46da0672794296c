using System.Net;
using TorchSharp;
using TuningService.Api.Tests.Support;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>LoRA through the job API: both download variants load, and they are the same model.</summary>
public sealed class LoraFineTuningTests
{
    [Fact]
    public async Task A_lora_job_trains_adapters_and_both_variants_load_to_the_same_model()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var trainPath = RepoPaths.Sample("sst2-sentiment-validation.jsonl");
        var file = await api.UploadFileAsync(trainPath);
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, seed = 5, suffix = "lora",
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 3, batch_size = 8, training_type = "lora", lora_r = 4, lora_alpha = 8, lora_dropout = 0.0 } } },
        });
        Assert.Equal("lora", created["method"]!["supervised"]!["hyperparameters"]!["training_type"]!.GetValue<string>());
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job["id"]}/events?limit=200"))["data"]!.AsArray();
        Assert.Contains(events, e => e!["message"]!.GetValue<string>().StartsWith("LoRA: r=4", StringComparison.Ordinal));

        var model = job["fine_tuned_model"]!.GetValue<string>();
        using var merged = await api.Http.GetAsync($"/v1/models/{model}/content?variant=merged");
        var mergedFolder = await TarArchive.ExtractSingleFolderAsync(merged);
        Assert.False(Directory.Exists(Path.Combine(mergedFolder, "adapter")), "the merged variant is a plain Hugging Face folder");
        using var adapter = await api.Http.GetAsync($"/v1/models/{model}/content?variant=adapter");
        var adapterFolder = await TarArchive.ExtractSingleFolderAsync(adapter);
        Assert.True(File.Exists(Path.Combine(adapterFolder, "adapter_config.json")));
        Assert.True(File.Exists(Path.Combine(adapterFolder, "adapter_model.safetensors")));

        // The merged model fits the data better than the base, and base + adapter computes the same logits.
        Assert.True(ModelLoss.OnFile(mergedFolder, trainPath) < ModelLoss.OnFile(RepoPaths.BuiltInModel, trainPath));
        using var fromMerged = PretrainedModelLoader.Load(mergedFolder, torch.CPU);
        using var withAdapter = PretrainedModelLoader.Load(RepoPaths.BuiltInModel, torch.CPU);
        PeftAdapterLoader.Apply(withAdapter.Model, adapterFolder);
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 1, 40, 15, 27, 3, 33, 12 }).unsqueeze(0);
        var a = fromMerged.AsCausalLanguageModel().call(ids);
        var b = withAdapter.AsCausalLanguageModel().call(ids);
        Assert.True(allclose(a, b, rtol: 1e-4, atol: 1e-4), $"max |Δ| = {(a - b).abs().max().item<float>()}");

        // A full fine-tuning job has no adapter to download.
        var baseDownload = await api.Http.GetAsync("/v1/models/babyllama-tinystories/content?variant=adapter");
        Assert.Equal(HttpStatusCode.BadRequest, baseDownload.StatusCode);
    }

    [Fact]
    public async Task A_packed_bf16_job_with_gradient_accumulation_trains_and_says_so()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var trainPath = RepoPaths.Sample("sst2-sentiment-validation.jsonl");
        var file = await api.UploadFileAsync(trainPath);
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, seed = 6,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 4, batch_size = 2, packing = true, precision = "bf16", gradient_accumulation_steps = 2 } } },
        });
        var job = await api.WaitForJobAsync(created["id"]!.GetValue<string>(), FineTuneScenario.Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"job did not succeed: {job}");
        // 50 examples of ~90 tokens pack about two to a 256-token row: far fewer steps than 4 × ceil(50 / 2) / 2.
        Assert.InRange(job["progress"]!["total_steps"]!.GetValue<int>(), 1, 4 * 13 - 1);
        Assert.Equal(job["progress"]!["total_steps"]!.GetValue<int>(), job["progress"]!["step"]!.GetValue<int>());
        using var download = await api.Http.GetAsync($"/v1/models/{job["fine_tuned_model"]}/content");
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        Assert.True(ModelLoss.OnFile(folder, trainPath) < ModelLoss.OnFile(RepoPaths.BuiltInModel, trainPath));
    }
}
