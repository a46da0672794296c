using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TuningService.Api.Tests.Support;
using Xunit.Abstractions;

namespace TuningService.Api.Tests.Reliability;

/// <summary>
/// The database goes away under a real job: the API and the worker are separate processes on a PostgreSQL server of
/// the test's own (the shared one is not touched), which is restarted, or stopped for a minute, mid-epoch. The job
/// must ride it out — training goes on, its progress rows wait and arrive in order — and end with every step's
/// loss equal to an undisturbed run's with the same seed, run after it on the same server and worker.
/// </summary>
public sealed partial class DatabaseOutageTests(ITestOutputHelper output)
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    // A short lease (it lapses during the outage: the worker must win its own back) and a short Hangfire invisibility
    // (Hangfire's fetch of the job lapses too); the reconciler often, to race the worker's renewal after the outage.
    static readonly Dictionary<string, string> WorkerSettings = new()
    {
        ["Tuning__LeaseSeconds"] = "4",
        ["Tuning__JobInvisibilitySeconds"] = "6",
        ["Tuning__ReconcileCron"] = "*/5 * * * * *",
        ["Tuning__DatabaseOutageToleranceSeconds"] = "150",
    };

    [Fact]
    public async Task A_job_rides_out_a_PostgreSQL_restart_mid_epoch_with_the_same_losses()
    {
        var run = await RunAsync(atStep: 10, (postgres, _) =>
        {
            postgres.Restart(); // -m fast: the worker's and the API's pooled connections are all cut
            return Task.CompletedTask;
        });
        // The server did go down and come back (its own log), and the worker may or may not have had a write in
        // flight at that moment: its pooled connections were all cut either way.
        Assert.Single(run.ServerDowntimes);
        output.WriteLine($"pg_ctl restart took {run.OutageSeconds:F1} s; the server was down {run.ServerDowntimes[0]:F2} s by its log; " +
                         $"the worker retried {run.WorkerRetries} times.");
    }

    [Fact]
    public async Task A_job_rides_out_PostgreSQL_stopped_for_a_minute()
    {
        var run = await RunAsync(atStep: 6, async (postgres, polling) =>
        {
            postgres.Stop();
            // What a user polling the job sees meanwhile (the answers are kept and checked for their shape below).
            var stopped = Stopwatch.StartNew();
            while (stopped.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.NotEqual(200, await polling.ProbeAsync("/v1/fine_tuning/jobs"));
                await Task.Delay(TimeSpan.FromSeconds(5));
            }
            postgres.StartAgain();
        });

        Assert.True(run.ServerDowntimes.Single() >= 60, $"the server was down {run.ServerDowntimes.Single():F1} s");
        // The worker retried through it (and said so) rather than stop: no "stopping" line, no failure event.
        Assert.Contains("Database unavailable for", run.WorkerOutput);
        var longest = UnavailableFor().Matches(run.WorkerOutput).Max(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        output.WriteLine($"Server down {run.ServerDowntimes.Single():F1} s by its log; the worker retried {run.WorkerRetries} times, " +
                         $"the longest continuous retry {longest:F1} s.");
        Assert.True(longest >= 50, $"the worker's longest retry was {longest:F1} s of a {run.OutageSeconds:F1} s outage");
        Assert.True(run.StepsRecordedDuringOutage > 0, "no step was trained while the database was away");
    }

    sealed record Run(double OutageSeconds, IReadOnlyList<double> ServerDowntimes, string WorkerOutput, int WorkerRetries, int StepsRecordedDuringOutage);

    /// <summary>
    /// API and worker on a fresh server; a job trained to <paramref name="atStep"/>, then <paramref name="outage"/>;
    /// the job must succeed with every step, its losses equal to a reference run's made afterwards.
    /// </summary>
    async Task<Run> RunAsync(int atStep, Func<RestartablePostgres, OutageTolerantApi, Task> outage)
    {
        var wall = Stopwatch.StartNew();
        using var postgres = RestartablePostgres.Start();
        var dataDir = Directory.CreateTempSubdirectory("tuning-outage-").FullName;
        try
        {
            using var apiProcess = new ApiProcess(postgres.ConnectionString, dataDir);
            Assert.True(await apiProcess.WaitForHealthAsync(TimeSpan.FromMinutes(2)) == HttpStatusCode.OK, $"the API did not start:\n{apiProcess.Output}");
            using var http = new HttpClient { BaseAddress = apiProcess.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var api = new ApiClient(http);
            var polling = new OutageTolerantApi(api);
            var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
            object Job() => new
            {
                model = "babyllama-tinystories", training_file = file, seed = 21,
                method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 6, batch_size = 8, checkpoint_every_steps = 4 } } },
            };

            var jobId = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
            using var worker = new WorkerProcess(postgres.ConnectionString, dataDir, WorkerSettings);
            await polling.WaitForStepAsync(jobId, atStep, Deadline);
            var down = DateTimeOffset.UtcNow;
            var outageTimer = Stopwatch.StartNew();
            await outage(postgres, polling);
            var outageSeconds = outageTimer.Elapsed.TotalSeconds;
            var up = DateTimeOffset.UtcNow;

            var job = await polling.WaitForJobAsync(jobId, Deadline);
            var context = $"{job}\n--- worker ---\n{worker.Output}\n--- api ---\n{apiProcess.Output}\n--- postgres ---\n{postgres.Log}";
            Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"after the outage: {context}");
            var totalSteps = job["progress"]!["total_steps"]!.GetValue<int>();
            Assert.Equal(totalSteps, job["progress"]!["step"]!.GetValue<int>());

            var metrics = (await polling.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/metrics", Deadline))["data"]!.AsArray();
            // Every step once, in order: nothing buffered during the outage was lost, doubled or reordered.
            Assert.Equal(Enumerable.Range(1, totalSteps), metrics.Select(m => m!["step"]!.GetValue<int>()));
            var duringOutage = metrics.Count(m => m!["created_at"]!.GetValue<long>() > down.ToUnixTimeSeconds()
                                                  && m["created_at"]!.GetValue<long>() < up.ToUnixTimeSeconds());

            var events = (await polling.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=1000", Deadline))["data"]!.AsArray();
            var errors = events.Where(e => e!["level"]!.GetValue<string>() == "error").Select(e => e!["message"]!.GetValue<string>()).ToList();
            Assert.True(errors.Count == 0, $"error events: {string.Join(" | ", errors)}\n{context}");
            // One claim, never taken over: the worker kept (or won back, once the database returned) its own lease.
            Assert.Equal((1L, 1), await LeaseAsync(postgres.ConnectionString, jobId));
            var warnings = events.Where(e => e!["level"]!.GetValue<string>() == "warn").Select(e => e!["message"]!.GetValue<string>()).ToList();

            string reference;
            try { reference = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>(); }
            catch (Exception e) { throw new Exception(e.Message + "\n--- api ---\n" + apiProcess.Output); }
            var referenceJob = await polling.WaitForJobAsync(reference, Deadline);
            Assert.True(referenceJob["status"]!.GetValue<string>() == "succeeded", $"reference: {referenceJob}\n{worker.Output}");
            Assert.Equal(await JobMetrics.TrainLossesAsync(api, reference), await JobMetrics.TrainLossesAsync(api, jobId));
            // Neither job's worker ever thought its lease lost (a renewal racing a job's last write once said so).
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.DoesNotContain("this worker stopped and wrote nothing more", worker.Output);
            Assert.DoesNotContain(": stopping: ", worker.Output);

            output.WriteLine($"Job {jobId}, reference {reference}.");
            output.WriteLine($"{totalSteps} steps; outage at step {atStep} for {outageSeconds:F1} s; {duringOutage} steps' metrics were " +
                             $"recorded (created_at) while the database was away; wall time {wall.Elapsed.TotalSeconds:F0} s.");
            output.WriteLine($"Warn events: {string.Join(" | ", warnings)}");
            output.WriteLine($"API answers while the database was away ({polling.Failures.Count}): " +
                             string.Join(" | ", polling.Failures.Distinct().Take(8)));
            output.WriteLine($"Not OpenAI-shaped: {polling.BadlyShapedFailures.Count}");
            output.WriteLine("--- worker output, less EF Core's SQL ---\n" + WithoutSql(worker.Output));
            output.WriteLine("--- postgres log ---\n" + postgres.Log);
            output.WriteLine("--- Hangfire's deliveries ---\n" + await HangfireStatesAsync(postgres.ConnectionString));
            Assert.Empty(polling.BadlyShapedFailures);
            return new Run(outageSeconds, Downtimes(postgres.Log), worker.Output, UnavailableFor().Matches(worker.Output).Count, duringOutage);
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { /* a file still open by a finishing process: the OS cleans temp */ }
        }
    }

    /// <summary>Each stretch, in seconds, from a shutdown request to the server's next "ready to accept connections", by its log.</summary>
    static List<double> Downtimes(string log)
    {
        var downtimes = new List<double>();
        DateTime? down = null;
        foreach (var line in log.Split('\n'))
        {
            if (line.Length < 23 || !DateTime.TryParseExact(line[..23], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var at)) continue;
            if (line.Contains("shutdown request", StringComparison.Ordinal)) down ??= at;
            else if (line.Contains("ready to accept connections", StringComparison.Ordinal) && down is { } since)
            {
                downtimes.Add((at - since).TotalSeconds);
                down = null;
            }
        }
        return downtimes;
    }

    /// <summary>The job's lease generation (claims made) and attempts, read from its row.</summary>
    static async Task<(long Generation, int Attempts)> LeaseAsync(string connectionString, string jobId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT \"LeaseGeneration\", \"Attempts\" FROM fine_tuning_jobs WHERE \"Id\" = $1", connection) { Parameters = { new() { Value = jobId } } };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no row for {jobId}");
        return (reader.GetInt64(0), reader.GetInt32(1));
    }

    /// <summary>Each Hangfire job with its states in order (which server processed it, how often), for the report.</summary>
    static async Task<string> HangfireStatesAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT j.id, left(j.invocationdata::text, 60), string_agg(s.name || coalesce(' ' || (s.data::jsonb ->> 'ServerId'), ''), ' > ' ORDER BY s.id) " +
            "FROM hangfire.job j JOIN hangfire.state s ON s.jobid = j.id GROUP BY j.id ORDER BY j.id", connection);
        var lines = new System.Text.StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.AppendLine($"{reader.GetInt64(0)} {reader.GetString(1)}: {reader.GetString(2)}");
        return lines.ToString();
    }

    /// <summary>The log entries of a service's console output other than EF Core's (the executed SQL), for reading.</summary>
    static string WithoutSql(string consoleOutput)
    {
        var kept = new System.Text.StringBuilder();
        var keep = true;
        foreach (var line in consoleOutput.Split('\n'))
        {
            if (EntryStart().IsMatch(line)) keep = !line.Contains("Microsoft.EntityFrameworkCore", StringComparison.Ordinal);
            if (keep) kept.Append(line).Append('\n');
        }
        return kept.ToString();
    }

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex EntryStart();

    [GeneratedRegex(@"Database unavailable for ([0-9]+(?:\.[0-9]+)?) s")]
    private static partial Regex UnavailableFor();
}
