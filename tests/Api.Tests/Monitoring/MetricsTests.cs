using System.Net.Http.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Monitoring;

/// <summary>
/// GET /metrics on the API (embedded mode: the job trains in this process), scraped while a job trains: promtool
/// accepts it, and the service's metrics are there with values that fit what happened.
/// </summary>
public sealed class MetricsTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_scrape_taken_while_a_job_trains_passes_promtool_and_has_the_services_metrics()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
        var created = await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = training, seed = 7,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 4, batch_size = 16 } } },
        });
        var jobId = created["id"]!.GetValue<string>();

        // Training, past its first checkpoint (the end of epoch 1 of 4).
        await WaitUntilAsync(async () =>
        {
            var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            Assert.True(job["status"]!.GetValue<string>() is "queued" or "running", $"the job ended before it could be scraped: {job}");
            var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints"))["data"]!.AsArray();
            return job["status"]!.GetValue<string>() == "running" && checkpoints.Count > 0;
        });
        // A generation on the base model meanwhile: the generation and model-cache metrics.
        using (var completion = await api.Http.PostAsJsonAsync("/v1/completions",
                   new { model = "babyllama-tinystories", prompt = "Once upon a time", max_tokens = 5, temperature = 0 }))
            Assert.True(completion.IsSuccessStatusCode, await completion.Content.ReadAsStringAsync());

        var scrape = await ScrapeAsync(api);
        await Promtool.CheckMetricsAsync(scrape.Text);
        Assert.Equal("running", (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}"))["status"]!.GetValue<string>());

        // HTTP requests by route template and status: the job's own route, under its template, not its id.
        Assert.True(scrape.Single("http_request_duration_seconds_count",
            ("method", "GET"), ("code", "200"), ("endpoint", "/v1/fine_tuning/jobs/{job_id}")) >= 1);
        Assert.DoesNotContain(jobId, scrape.Text);
        Assert.DoesNotContain(training, scrape.Text);
        // Jobs by status and the queue, from the database.
        Assert.True(scrape.Single("tuning_jobs", ("status", "running")) >= 1);
        Assert.Equal(0, scrape.Single("tuning_job_gauges_stale"));
        Assert.True(scrape.Single("tuning_queue_depth", ("queue", "default")) >= 0);
        // Training: throughput, step times, the checkpoint written.
        Assert.True(scrape.Single("tuning_training_tokens_per_second") > 0);
        Assert.True(scrape.Single("tuning_training_step_seconds_count") >= 13);
        Assert.True(scrape.Single("tuning_training_step_seconds_sum") > 0);
        Assert.True(scrape.Single("tuning_checkpoint_write_seconds_count") >= 1);
        Assert.True(scrape.Single("tuning_checkpoint_write_seconds_sum") > 0);
        // Retries: exported from the start (none happened here).
        Assert.True(scrape.Single("tuning_database_retries_total") >= 0);
        Assert.True(scrape.Single("tuning_storage_retries_total") >= 0);
        // Generation and the model cache.
        Assert.True(scrape.Single("tuning_generation_duration_seconds_count", ("kind", "completion")) >= 1);
        Assert.True(scrape.Single("tuning_generation_prompt_tokens_total", ("kind", "completion")) >= 4);
        Assert.True(scrape.Single("tuning_generation_completion_tokens_total", ("kind", "completion")) >= 1);
        Assert.True(scrape.Single("tuning_model_cache_bytes") > 0);
        Assert.True(scrape.Single("tuning_model_cache_misses_total") >= 1);
        Assert.True(scrape.Single("tuning_model_cache_hits_total") >= 0);
        Assert.True(scrape.Single("tuning_model_cache_evictions_total") >= 0);
        // The process.
        Assert.True(scrape.Single("process_cpu_seconds_total") > 0);
        Assert.True(scrape.Single("process_working_set_bytes") > 0);

        // Once the job has ended, its attempt's duration, by outcome.
        var ended = await api.WaitForJobAsync(jobId, Deadline);
        Assert.Equal("succeeded", ended["status"]!.GetValue<string>());
        // Recorded as the runner returns, a moment after the status it wrote is visible.
        var after = await ScrapeAsync(api);
        await WaitUntilAsync(async () =>
        {
            after = await ScrapeAsync(api);
            return after.Values("tuning_job_run_duration_seconds_count", ("outcome", "succeeded")).Count == 1
                   && after.Single("tuning_training_tokens_per_second") == 0;
        });
        await Promtool.CheckMetricsAsync(after.Text);
        Assert.True(after.Single("tuning_job_run_duration_seconds_count", ("outcome", "succeeded")) >= 1);
        Assert.True(after.Single("tuning_job_run_duration_seconds_sum", ("outcome", "succeeded")) > 0);
        Assert.Equal(0, after.Single("tuning_training_tokens_per_second"));
    }

    [Fact]
    public async Task Labels_stay_bounded_unknown_urls_and_ids_add_no_series()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var api = new ApiClient(factory.CreateClient());
        foreach (var i in Enumerable.Range(0, 5))
        {
            using var missing = await api.Http.GetAsync($"/v1/fine_tuning/jobs/ftjob-missing{i}");
            using var unknown = await api.Http.GetAsync($"/no/such/route/{i}");
        }
        var scrape = await ScrapeAsync(api);
        await Promtool.CheckMetricsAsync(scrape.Text);
        Assert.DoesNotContain("ftjob-missing", scrape.Text);
        Assert.DoesNotContain("/no/such/route", scrape.Text);
        // A missing job's 404 (answered by the error handler) under its route; unknown URLs under "".
        Assert.True(scrape.Single("http_request_duration_seconds_count", ("method", "GET"), ("code", "404"), ("endpoint", "/v1/fine_tuning/jobs/{job_id}")) >= 5);
        Assert.True(scrape.Single("http_request_duration_seconds_count", ("method", "GET"), ("code", "404"), ("endpoint", "")) >= 5);
    }

    static async Task<PrometheusScrape> ScrapeAsync(ApiClient api)
    {
        using var response = await api.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/metrics: {(int)response.StatusCode} {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new PrometheusScrape(text);
    }

    static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"not reached within {Deadline}");
            await Task.Delay(200);
        }
    }
}
