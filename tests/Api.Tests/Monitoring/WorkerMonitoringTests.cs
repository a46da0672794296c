using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Monitoring;

/// <summary>
/// A worker process with its monitoring listener (Tuning:Worker:MetricsUrls) and JSON logs, training a job for the
/// API: /healthz/live and /healthz/ready answer, a /metrics scrape taken while it trains passes promtool and has this
/// worker's training metrics, the containers' probe command works, and every line the job's work logged names the job.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkerMonitoringTests(PostgresServer postgres)
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_worker_serves_health_and_metrics_while_it_trains_and_its_job_lines_carry_the_job_id()
    {
        var database = postgres.CreateDatabase();
        using var factory = new TuningApiFactory(database, new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var api = new ApiClient(factory.CreateClient()); // starting the API migrates the database first
        var listener = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        using var worker = new WorkerProcess(database, factory.DataDir, new Dictionary<string, string>
        {
            ["Tuning__Worker__MetricsUrls"] = listener.ToString().TrimEnd('/'),
            ["Logging__Console__FormatterName"] = "json",
        });
        using var http = new HttpClient { BaseAddress = listener, Timeout = TimeSpan.FromSeconds(10) };
        string jobId;
        try
        {
            await WaitUntilAsync(async () =>
            {
                Assert.False(worker.HasExited, "the worker exited");
                try { return (await http.GetAsync("/healthz/live")).StatusCode == HttpStatusCode.OK; }
                catch (HttpRequestException) { return false; } // not listening yet
            });
            using (var ready = await http.GetAsync("/healthz/ready"))
            {
                var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
                Assert.True(ready.StatusCode == HttpStatusCode.OK, $"worker ready: {body}");
                Assert.Equal(["database", "migrations", "storage"], body["checks"]!.AsObject().Select(c => c.Key).Order());
            }
            Assert.Equal(0, await ProbeAsync($"{listener}healthz/ready"));
            Assert.Equal(1, await ProbeAsync($"http://127.0.0.1:{LoopbackPort.Free()}/healthz/ready")); // nothing listens there

            var training = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-train.jsonl"));
            jobId = (await api.CreateJobAsync(new
            {
                model = "babyllama-tinystories", training_file = training, seed = 7,
                method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 3, batch_size = 16 } } },
            }))["id"]!.GetValue<string>();
            await WaitUntilAsync(async () =>
            {
                var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
                Assert.True(job["status"]!.GetValue<string>() is "queued" or "running", $"the job ended before it could be scraped: {job}");
                var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints"))["data"]!.AsArray();
                return job["status"]!.GetValue<string>() == "running" && checkpoints.Count > 0;
            });

            var scrape = new PrometheusScrape(await http.GetStringAsync("/metrics"));
            await Promtool.CheckMetricsAsync(scrape.Text);
            Assert.True(scrape.Single("tuning_training_tokens_per_second") > 0);
            Assert.True(scrape.Single("tuning_training_step_seconds_count") >= 13);
            Assert.True(scrape.Single("tuning_checkpoint_write_seconds_count") >= 1);
            Assert.True(scrape.Single("tuning_database_retries_total") >= 0);
            Assert.True(scrape.Single("process_cpu_seconds_total") > 0);
            Assert.True(scrape.Single("process_working_set_bytes") > 0);
            Assert.Empty(scrape.Values("tuning_jobs")); // the shared database's counts are the API's to report
            Assert.DoesNotContain(jobId, scrape.Text);

            Assert.Equal("succeeded", (await api.WaitForJobAsync(jobId, Deadline))["status"]!.GetValue<string>());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- worker output ---\n{worker.Output}");
        }
        worker.Terminate();
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(2)), "the worker did not stop on SIGTERM");

        var log = new JsonLogLines(worker.Output);
        var jobLines = log.Lines.Where(l => JsonLogLines.Scope(l.Json, "JobId") == jobId).ToList();
        Assert.NotEmpty(jobLines);
        // Whatever logged while the job ran, with its id in the text, has it as a field too.
        Assert.All(log.Lines.Where(l => JsonLogLines.Message(l.Json).Contains(jobId, StringComparison.Ordinal)),
            l => Assert.True(JsonLogLines.Scope(l.Json, "JobId") == jobId, $"a line about {jobId} without its JobId scope: {l.Raw}"));
    }

    /// <summary>The containers' HEALTHCHECK command: <c>dotnet TuningService.Worker.dll --probe URL</c>; its exit code.</summary>
    static async Task<int> ProbeAsync(string url)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "src", "Worker", "bin", configuration, "net10.0", "TuningService.Worker.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--probe", url]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(deadline.Token);
        await Task.WhenAll(output, error);
        return process.ExitCode;
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
