using System.Net;
using System.Net.Http.Json;
using System.Text;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>Bad job requests get 400 with OpenAI's error shape and the offending param; nothing is queued.</summary>
public sealed class CreateJobValidationTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public CreateJobValidationTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    async Task<string> TrainingFile() => await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));

    async Task AssertBadRequest(object body, string param)
    {
        var response = await api.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", body);
        var json = await ApiClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {json}");
        Assert.Equal(param, json["error"]!["param"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(json["error"]!["message"]!.GetValue<string>()));
        Assert.Empty((await api.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Unknown_model_names_model() =>
        await AssertBadRequest(new { model = "gpt-5", training_file = await TrainingFile() }, "model");

    [Fact]
    public async Task Missing_training_file_names_training_file() =>
        await AssertBadRequest(new { model = "babyllama-tinystories", training_file = "file-doesnotexist" }, "training_file");

    [Fact]
    public async Task Out_of_range_epochs_name_the_hyperparameter() =>
        await AssertBadRequest(new
        {
            model = "babyllama-tinystories", training_file = await TrainingFile(),
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 0 } } },
        }, "method.supervised.hyperparameters.n_epochs");

    [Fact]
    public async Task A_string_other_than_auto_is_refused() =>
        await AssertBadRequest(new { model = "babyllama-tinystories", training_file = await TrainingFile(), hyperparameters = new { batch_size = "big" } },
            "hyperparameters.batch_size");

    [Theory]
    [InlineData("lr_scheduler", "\"exponential\"")]
    [InlineData("warmup_ratio", "1.5")]
    [InlineData("weight_decay", "-0.1")]
    [InlineData("max_grad_norm", "\"big\"")]
    [InlineData("max_seq_length", "1")]
    [InlineData("train_on_inputs", "\"yes\"")]
    [InlineData("learning_rate", "0")]
    [InlineData("training_type", "\"qlora\"")]
    [InlineData("lora_r", "0")]
    [InlineData("lora_dropout", "1")]
    [InlineData("lora_target_modules", "[]")]
    [InlineData("packing", "1")]
    [InlineData("precision", "\"fp8\"")]
    [InlineData("gradient_accumulation_steps", "0")]
    public async Task Bad_extension_hyperparameters_name_themselves(string name, string json)
    {
        var file = await TrainingFile();
        var hyperparameters = $"{{\"{name}\": {json}}}";
        var body = $"{{\"model\": \"babyllama-tinystories\", \"training_file\": \"{file}\", \"method\": {{\"type\": \"supervised\", \"supervised\": {{\"hyperparameters\": {hyperparameters}}}}}}}";
        var response = await api.Http.PostAsync("/v1/fine_tuning/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = (await ApiClient.JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"method.supervised.hyperparameters.{name}", error["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Extension_hyperparameters_are_shown_on_the_job_with_defaults_for_the_rest()
    {
        var job = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = await TrainingFile(),
            method = new { type = "supervised", supervised = new { hyperparameters = new { learning_rate = 0.001, lr_scheduler = "cosine", train_on_inputs = true } } },
        });
        var h = job["method"]!["supervised"]!["hyperparameters"]!;
        Assert.Equal(0.001, h["learning_rate"]!.GetValue<double>());
        Assert.Equal("cosine", h["lr_scheduler"]!.GetValue<string>());
        Assert.True(h["train_on_inputs"]!.GetValue<bool>());
        Assert.Equal(0.1, h["warmup_ratio"]!.GetValue<double>());
        Assert.Equal(1.0, h["max_grad_norm"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_wrongly_typed_field_names_it()
    {
        var file = await TrainingFile();
        var response = await api.Http.PostAsync("/v1/fine_tuning/jobs",
            new StringContent($"{{\"model\": \"babyllama-tinystories\", \"training_file\": \"{file}\", \"seed\": \"seven\"}}", Encoding.UTF8, "application/json"));
        var json = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("seed", json["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_returns_the_same_job()
    {
        var request = new { model = "babyllama-tinystories", training_file = await TrainingFile(), hyperparameters = new { n_epochs = "auto" } };
        var first = await api.CreateJobAsync(request, idempotencyKey: "retry-1");
        var second = await api.CreateJobAsync(request, idempotencyKey: "retry-1");
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        Assert.Single((await api.GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());
        Assert.Equal("auto", first["hyperparameters"]!["n_epochs"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_queued_job_can_be_cancelled()
    {
        var job = await api.CreateJobAsync(new { model = "babyllama-tinystories", training_file = await TrainingFile() });
        var id = job["id"]!.GetValue<string>();
        var cancelled = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", null));
        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        var again = await api.Http.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }
}
