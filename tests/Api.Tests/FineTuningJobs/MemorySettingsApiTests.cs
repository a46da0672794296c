using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// Issue 16's hyperparameters through the job API: bad values and combinations are 400s naming the parameter, good
/// ones are echoed in the job object, and a job whose memory plan does not fit Tuning:WorkerMemoryBytes is refused at
/// create time with the settings that would fit.
/// </summary>
public sealed class MemorySettingsApiTests : IDisposable
{
    const string Model = "babyllama-tinystories", Prefix = "method.supervised.hyperparameters";
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public MemorySettingsApiTests() => api = new ApiClient(Client(factory));

    /// <summary>A dry run measures throughput over a few steps when no job has finished: minutes on a busy 2-core machine.</summary>
    static HttpClient Client(TuningApiFactory apiFactory)
    {
        var client = apiFactory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(10);
        return client;
    }

    public void Dispose() => factory.Dispose();

    static object Job(string training, object hyperparameters, bool dryRun = false) => new
    {
        model = Model, training_file = training, seed = 1, dry_run = dryRun,
        method = new { type = "supervised", supervised = new { hyperparameters } },
    };

    static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(ApiClient client, object body)
    {
        var response = await client.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", body);
        return (response.StatusCode, await ApiClient.JsonAsync(response));
    }

    async Task AssertBadRequestAsync(object hyperparameters, string param, string? messagePart = null)
    {
        var (status, body) = await PostAsync(api, Job(await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl")), hyperparameters));
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
        if (messagePart is not null) Assert.Contains(messagePart, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await api.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Bad_values_name_the_parameter()
    {
        await AssertBadRequestAsync(new { gradient_checkpointing = "sometimes" }, $"{Prefix}.gradient_checkpointing");
        await AssertBadRequestAsync(new { training_type = "lora", quantization = "fp4" }, $"{Prefix}.quantization");
        await AssertBadRequestAsync(new { optimizer = "sgd" }, $"{Prefix}.optimizer");
        await AssertBadRequestAsync(new { optimizer_in_backward = "yes" }, $"{Prefix}.optimizer_in_backward");
    }

    [Fact]
    public async Task Quantization_is_for_lora() =>
        await AssertBadRequestAsync(new { quantization = "nf4" }, $"{Prefix}.quantization", "quantization is for LoRA: full fine-tuning updates the weights it would quantize");

    [Fact]
    public async Task The_step_in_the_backward_pass_refuses_accumulation_and_clipping()
    {
        await AssertBadRequestAsync(new { optimizer_in_backward = true, gradient_accumulation_steps = 2 }, $"{Prefix}.optimizer_in_backward", "gradient_accumulation_steps");
        await AssertBadRequestAsync(new { optimizer_in_backward = true, max_grad_norm = 1.0 }, $"{Prefix}.max_grad_norm", "max_grad_norm");
    }

    [Fact]
    public async Task The_settings_are_echoed_and_clipping_defaults_to_off_with_the_step_in_the_backward_pass()
    {
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var (status, job) = await PostAsync(api, Job(training, new
        {
            training_type = "lora", quantization = "nf4", optimizer = "adamw_8bit", optimizer_in_backward = true, gradient_checkpointing = true,
        }));
        Assert.True(status == HttpStatusCode.OK, $"create failed: {(int)status} {job}");
        var hyper = job["method"]!["supervised"]!["hyperparameters"]!;
        Assert.True(hyper["gradient_checkpointing"]!.GetValue<bool>());
        Assert.Equal("nf4", hyper["quantization"]!.GetValue<string>());
        Assert.Equal("adamw_8bit", hyper["optimizer"]!.GetValue<string>());
        Assert.True(hyper["optimizer_in_backward"]!.GetValue<bool>());
        Assert.Equal(0, hyper["max_grad_norm"]!.GetValue<double>());

        var (_, plain) = await PostAsync(api, Job(training, new { n_epochs = 1 }));
        var defaults = plain["method"]!["supervised"]!["hyperparameters"]!;
        Assert.Equal("auto", defaults["gradient_checkpointing"]!.GetValue<string>());
        Assert.Equal("none", defaults["quantization"]!.GetValue<string>());
        Assert.Equal("adamw", defaults["optimizer"]!.GetValue<string>());
        Assert.False(defaults["optimizer_in_backward"]!.GetValue<bool>());
    }

    /// <summary>A big batch of the SST-2 sample on the shipped model: activations dominate, so checkpointing decides whether it fits.</summary>
    static object BigBatch(string checkpointing) => new { n_epochs = 1, batch_size = 64, gradient_checkpointing = checkpointing == "auto" ? (object)"auto" : checkpointing == "true" };

    /// <summary>The training phase's terms without the heap's retention: what a tight plan holds.</summary>
    static long TightPeak(JsonObject plan) =>
        plan["memory"]!["training"]!.AsArray().Where(t => t!["name"]!.GetValue<string>() != "heap_retention").Sum(t => t!["bytes"]!.GetValue<long>());

    [Fact]
    public async Task A_job_over_the_worker_memory_is_refused_with_the_settings_that_fit()
    {
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var (s1, without) = await PostAsync(api, Job(training, BigBatch("false"), dryRun: true));
        var (s2, with) = await PostAsync(api, Job(training, BigBatch("true"), dryRun: true));
        Assert.True(s1 == HttpStatusCode.OK && s2 == HttpStatusCode.OK, $"dry runs failed: {without} {with}");
        Assert.True(without["memory"]!["fits"]!.GetValue<bool>());
        Assert.True(without["memory"]!["estimated_peak_bytes"]!.GetValue<long>() > 0);
        Assert.Contains(without["memory"]!["training"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "activations");
        var (peakWithout, peakWith) = (TightPeak(without), TightPeak(with));
        Assert.True(peakWith < peakWithout, $"checkpointing should shrink the estimate: {peakWith} vs {peakWithout}");

        var limit = (peakWith + peakWithout) / 2;
        using var small = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:WorkerMemoryBytes"] = $"{limit}",
        });
        var client = new ApiClient(Client(small));
        var file = await client.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));

        var (status, refused) = await PostAsync(client, Job(file, BigBatch("false")));
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {refused}");
        Assert.Equal($"{Prefix}.gradient_checkpointing", refused["error"]!["param"]!.GetValue<string>());
        Assert.Equal("insufficient_memory", refused["error"]!["code"]!.GetValue<string>());
        var message = refused["error"]!["message"]!.GetValue<string>();
        Assert.Contains("It would fit with gradient_checkpointing: true", message, StringComparison.Ordinal);
        Assert.Contains("Tuning:WorkerMemoryBytes", message, StringComparison.Ordinal);
        Assert.Empty((await client.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());

        // "auto" turns checkpointing on by itself, and the job is accepted.
        var (autoStatus, plan) = await PostAsync(client, Job(file, BigBatch("auto"), dryRun: true));
        Assert.True(autoStatus == HttpStatusCode.OK, $"dry run failed: {plan}");
        Assert.True(plan["memory"]!["gradient_checkpointing"]!.GetValue<bool>());
        Assert.True(plan["memory"]!["fits"]!.GetValue<bool>());
        var (created, job) = await PostAsync(client, Job(file, BigBatch("auto")));
        Assert.True(created == HttpStatusCode.OK, $"create failed: {(int)created} {job}");
    }
}
