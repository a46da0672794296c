using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Quotas;

/// <summary>
/// Per-owner quotas on queued jobs, active jobs and stored bytes, through HTTP: the refusal names the quota, the use
/// and the limit; concurrent creates on two API processes sharing PostgreSQL cannot both take the last place.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OwnerQuotaTests(PostgresServer postgres)
{
    static readonly string TrainingFile = RepoPaths.Sample("sst2-sentiment-validation.jsonl");

    static Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            // No worker: created jobs stay queued, so they keep counting.
            ["Tuning:RunWorkerInProcess"] = "false",
            ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice",
            ["Tuning:ApiKeys:1:Key"] = "key-bob", ["Tuning:ApiKeys:1:Owner"] = "bob",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    static ApiClient As(TuningApiFactory factory, string key)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ApiClient(http);
    }

    static object Job(string fileId) => new { model = "babyllama-tinystories", training_file = fileId, hyperparameters = new { n_epochs = 1 } };

    [Fact]
    public async Task Concurrent_creates_on_two_API_processes_do_not_both_pass_a_queued_quota_of_one()
    {
        var database = postgres.CreateDatabase();
        var settings = Settings(("Tuning:ApiKeys:0:MaxQueuedJobs", "1"));
        using var first = new TuningApiFactory(database, settings);
        // Two API machines share the database and the files (the data directory here; a bucket with Kind=s3).
        using var second = new TuningApiFactory(database, settings, dataDir: first.DataDir) { KeepDataDir = true };
        var alice = new[] { As(first, "key-alice"), As(second, "key-alice") };
        var fileId = await alice[0].UploadFileAsync(TrainingFile);
        await alice[1].GetJsonAsync("/v1/files"); // the second process is up before the race starts

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => alice[i % 2].Http.PostAsJsonAsync("/v1/fine_tuning/jobs", Job(fileId))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var body = await ApiClient.JsonAsync(refused);
            Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)refused.StatusCode} {body}");
            var error = body["error"]!;
            Assert.Equal("quota_exceeded", error["code"]!.GetValue<string>());
            var message = error["message"]!.GetValue<string>();
            Assert.Contains("1 queued jobs and the limit is 1", message, StringComparison.Ordinal);
            Assert.Contains("MaxQueuedJobs", message, StringComparison.Ordinal);
        }
        Assert.Single((await alice[1].GetJsonAsync("/v1/fine_tuning/jobs"))["data"]!.AsArray());

        // The quota is Alice's: Bob, with the default, still creates jobs.
        var bob = As(first, "key-bob");
        var bobFile = await bob.UploadFileAsync(TrainingFile);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", Job(bobFile))).StatusCode);

        // A cancelled job no longer counts.
        var jobId = (await alice[0].GetJsonAsync("/v1/fine_tuning/jobs"))["data"]![0]!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await alice[0].Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice[1].Http.PostAsJsonAsync("/v1/fine_tuning/jobs", Job(fileId))).StatusCode);
    }

    [Fact]
    public async Task The_active_jobs_quota_counts_every_unfinished_job()
    {
        using var factory = new TuningApiFactory(settings: Settings(("Tuning:Quotas:MaxActiveJobs", "2"), ("Tuning:Quotas:MaxQueuedJobs", "5")));
        var alice = As(factory, "key-alice");
        var fileId = await alice.UploadFileAsync(TrainingFile);
        await alice.CreateJobAsync(Job(fileId));
        await alice.CreateJobAsync(Job(fileId));
        var refused = await alice.Http.PostAsJsonAsync("/v1/fine_tuning/jobs", Job(fileId));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var message = (await ApiClient.JsonAsync(refused))["error"]!["message"]!.GetValue<string>();
        Assert.Contains("2 active jobs (queued, running or paused) and the limit is 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_past_the_stored_bytes_quota_are_refused_with_403_and_leave_nothing()
    {
        var bytes = new FileInfo(TrainingFile).Length;
        using var factory = new TuningApiFactory(settings: Settings(("Tuning:ApiKeys:0:MaxStoredBytes", (bytes + bytes / 2).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var alice = As(factory, "key-alice");
        await alice.UploadFileAsync(TrainingFile);

        var refused = await alice.UploadAsync(await File.ReadAllBytesAsync(TrainingFile));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = (await ApiClient.JsonAsync(refused))["error"]!;
        Assert.Equal("storage_quota_exceeded", error["code"]!.GetValue<string>());
        Assert.Contains($"the limit is {bytes + bytes / 2:N0} bytes", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await alice.GetJsonAsync("/v1/files"))["data"]!.AsArray());
        Assert.Single(Directory.GetFiles(Path.Combine(factory.DataDir, "files"), "*", SearchOption.AllDirectories));

        // Derived files count too: a split of the stored file would double it.
        var fileId = (await alice.GetJsonAsync("/v1/files"))["data"]![0]!["id"]!.GetValue<string>();
        var split = await alice.Http.PostAsJsonAsync($"/v1/files/{fileId}/split", new { train = 0.8, validation = 0.2 });
        Assert.Equal(HttpStatusCode.Forbidden, split.StatusCode);

        // Another owner's files are not Alice's: Bob has the default quota.
        Assert.Equal(HttpStatusCode.OK, (await As(factory, "key-bob").UploadAsync(await File.ReadAllBytesAsync(TrainingFile))).StatusCode);
    }
}
