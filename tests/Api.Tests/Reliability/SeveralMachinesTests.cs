using System.Diagnostics;
using System.Net;
using Amazon.S3;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;
using TuningService.Core.Tests.Storage;

namespace TuningService.Api.Tests.Reliability;

/// <summary>
/// The service on several machines that share only PostgreSQL and one bucket (s3rver): an API process and two
/// worker processes, each with a data directory of its own, empty at the start. What one machine writes (an upload,
/// a checkpoint, the fine-tuned model) another reads from the bucket.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SeveralMachinesTests(PostgresServer postgres, S3rverServer s3) : IClassFixture<S3rverServer>, IDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    // Short lease, re-delivery and reconcile so that the kill is noticed in seconds, not the production minutes.
    static readonly Dictionary<string, string> FastWorker = new()
    {
        ["Tuning__LeaseSeconds"] = "4", ["Tuning__JobInvisibilitySeconds"] = "6", ["Tuning__ReconcileCron"] = "*/5 * * * * *", ["Tuning__WorkerCount"] = "1",
    };

    readonly string prefix = $"machines-{Guid.NewGuid():N}/";
    readonly List<string> dataDirs = [];
    readonly List<ServiceProcess> processes = [];

    [Fact]
    public async Task Two_API_processes_importing_one_name_at_once_give_one_model_and_one_conflict_and_both_list_it()
    {
        var database = postgres.CreateDatabase();
        var (first, firstDir, _) = await StartApiAsync(database);
        var (second, secondDir, _) = await StartApiAsync(database);
        var archive = ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny");

        var answers = await Task.WhenAll(first.ImportArchiveAsync(archive, "shared-llama"), second.ImportArchiveAsync(archive, "shared-llama"));

        var codes = answers.Select(a => a.StatusCode).Order().ToList();
        var bodies = string.Join(" | ", await Task.WhenAll(answers.Select(async a => (await ApiClient.JsonAsync(a)).ToJsonString())));
        Assert.True(codes.SequenceEqual([HttpStatusCode.OK, HttpStatusCode.Conflict]), $"{string.Join(", ", codes)}: {bodies}");
        var refused = await ApiClient.JsonAsync(answers.Single(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal("model_exists", refused["error"]!["code"]!.GetValue<string>());
        // The winner's model, whole, in the bucket; the loser wrote nothing there.
        var objects = await ListAsync("models/shared-llama/");
        Assert.Equal(Directory.EnumerateFiles(ModelArchives.LlamaTiny).Select(f => "models/shared-llama/" + Path.GetFileName(f)).Order(), objects.Order());
        foreach (var key in objects)
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ModelArchives.LlamaTiny, key["models/shared-llama/".Length..])), await ObjectBytesAsync(key));
        // Each API lists it, the one that imported it and the one that did not (from the database, not its disk).
        foreach (var api in new[] { first, second })
            Assert.Contains((await api.GetJsonAsync("/v1/models"))["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "shared-llama");
        Assert.Single(new[] { firstDir, secondDir }, dir => Directory.Exists(Path.Combine(dir, "models", "shared-llama")));
    }

    [Fact]
    public async Task A_job_whose_worker_is_killed_continues_on_another_machine_from_the_bucket_and_its_model_is_served_by_a_third()
    {
        var wall = Stopwatch.StartNew();
        var database = postgres.CreateDatabase();
        var (api, apiDir, apiProcess) = await StartApiAsync(database);
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        Assert.True(await ObjectExistsAsync($"files/{file}"), "the upload is not in the bucket");
        object Job() => new
        {
            model = "babyllama-tinystories", training_file = file, seed = 12,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 3, batch_size = 8, checkpoint_every_steps = 4 } } },
        };

        var jobId = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
        var first = StartWorker(database, out _);
        // A checkpoint's row is written only once its folder is in the bucket: with one listed, the kill loses only what came after it.
        await WaitForCheckpointAsync(api, jobId, first);
        first.Kill();
        var second = StartWorker(database, out _);

        var job = await api.WaitForJobAsync(jobId, Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"after the kill: {job}\n--- second worker ---\n{second.Output}\n--- first ---\n{first.Output}");
        var messages = await EventMessagesAsync(api, jobId);
        var continued = messages.SingleOrDefault(m => m.StartsWith("The previous attempt was interrupted", StringComparison.Ordinal));
        Assert.True(continued is not null && continued.Contains("continuing from step ", StringComparison.Ordinal),
            $"no event says where the job continued: {string.Join(" | ", messages)}\n{second.Output}");
        Assert.Contains("Fetched jobs/" + jobId + "/step-", second.Output); // the second machine resumed from the bucket, not a shared disk

        // The fine-tuned model, downloaded through the API process, which never trained it: the bucket's bytes.
        Assert.False(Directory.Exists(Path.Combine(apiDir, "jobs")), "the API machine has job folders before anyone asked for one");
        var modelId = job["fine_tuned_model"]!.GetValue<string>();
        var checkpoints = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints?limit=100"))["data"]!.AsArray();
        var finalStep = checkpoints.Max(c => c!["step_number"]!.GetValue<int>());
        using var download = await api.Http.GetAsync($"/v1/models/{Uri.EscapeDataString(modelId)}/content");
        Assert.True(download.IsSuccessStatusCode, $"model download: {(int)download.StatusCode} {await download.Content.ReadAsStringAsync()}\n{apiProcess.Output}");
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        try
        {
            Assert.Equal(await ObjectBytesAsync($"jobs/{jobId}/step-{finalStep}/model.safetensors"), await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
        // A checkpoint too, every file of its folder equal to its object in the bucket.
        var earliest = checkpoints.MinBy(c => c!["step_number"]!.GetValue<int>())!;
        var earliestStep = earliest["step_number"]!.GetValue<int>();
        using var checkpointDownload = await api.Http.GetAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints/{earliest["id"]!.GetValue<string>()}/content");
        Assert.True(checkpointDownload.IsSuccessStatusCode, $"checkpoint download: {(int)checkpointDownload.StatusCode}\n{apiProcess.Output}");
        var checkpointFolder = await TarArchive.ExtractSingleFolderAsync(checkpointDownload);
        try
        {
            var objects = await ListAsync($"jobs/{jobId}/step-{earliestStep}/");
            var files = Directory.EnumerateFiles(checkpointFolder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(checkpointFolder, f).Replace(Path.DirectorySeparatorChar, '/')).Order().ToList();
            Assert.Equal(objects.Select(k => k[$"jobs/{jobId}/step-{earliestStep}/".Length..]).Order(), files);
            foreach (var key in objects)
                Assert.Equal(await ObjectBytesAsync(key), await File.ReadAllBytesAsync(Path.Combine(checkpointFolder, key[$"jobs/{jobId}/step-{earliestStep}/".Length..])));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(checkpointFolder)!, recursive: true);
        }
        Assert.False(Directory.Exists(Path.Combine(apiDir, "jobs")), "the API machine fetched job folders to disk instead of streaming them");

        // An undisturbed run of the same job, on the second worker alone, has the same losses step for step.
        var reference = (await api.CreateJobAsync(Job()))["id"]!.GetValue<string>();
        var referenceJob = await api.WaitForJobAsync(reference, Deadline);
        Assert.True(referenceJob["status"]!.GetValue<string>() == "succeeded", $"reference: {referenceJob}\n{second.Output}");
        Assert.Equal(await JobMetrics.TrainLossesAsync(api, reference), await JobMetrics.TrainLossesAsync(api, jobId));
        Console.WriteLine($"{nameof(SeveralMachinesTests)}: killed and resumed across machines in {wall.Elapsed.TotalSeconds:F0} s; {continued}");
    }

    [Fact]
    public async Task A_file_uploaded_through_one_api_process_is_served_by_another_and_deleting_it_removes_its_object()
    {
        var database = postgres.CreateDatabase();
        var (uploader, _, _) = await StartApiAsync(database);
        var (other, otherDir, otherProcess) = await StartApiAsync(database);
        var path = RepoPaths.Sample("sst2-sentiment-validation.jsonl");
        var file = await uploader.UploadFileAsync(path);
        Assert.True(await ObjectExistsAsync($"files/{file}"), "the upload is not in the bucket");

        Assert.Equal(await File.ReadAllBytesAsync(path), await other.Http.GetByteArrayAsync($"/v1/files/{file}/content"));
        Assert.False(File.Exists(Path.Combine(otherDir, "files", file)), "the other API process fetched the file to disk instead of streaming it from the bucket");

        using var deleted = await other.Http.DeleteAsync($"/v1/files/{file}");
        Assert.True(deleted.IsSuccessStatusCode, $"{(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}\n{otherProcess.Output}");
        Assert.Empty(await ListAsync("files/"));
        Assert.False(File.Exists(Path.Combine(otherDir, "files", file)));
        using var gone = await uploader.Http.GetAsync($"/v1/files/{file}/content");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_model_imported_through_one_api_process_is_served_by_another_and_deleting_it_removes_its_objects()
    {
        var database = postgres.CreateDatabase();
        var admin = new Dictionary<string, string>
        {
            ["Tuning__ApiKeys__0__Key"] = "key-admin", ["Tuning__ApiKeys__0__Owner"] = "admin", ["Tuning__ApiKeys__0__Admin"] = "true",
        };
        var (importer, _, importerProcess) = await StartApiAsync(database, environment: admin);
        var (other, otherDir, otherProcess) = await StartApiAsync(database, environment: admin);
        foreach (var api in new[] { importer, other }) api.Http.DefaultRequestHeaders.Authorization = new("Bearer", "key-admin");

        using var imported = await importer.ImportArchiveAsync(ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny"), "tiny-llama", "llama-tiny.tar");
        Assert.True(imported.IsSuccessStatusCode, $"{(int)imported.StatusCode} {await imported.Content.ReadAsStringAsync()}\n{importerProcess.Output}");
        Assert.True(await ObjectExistsAsync("models/tiny-llama/config.json"), "the imported model is not in the bucket");

        using var download = await other.Http.GetAsync("/v1/models/tiny-llama/content");
        Assert.True(download.IsSuccessStatusCode, $"{(int)download.StatusCode} {await download.Content.ReadAsStringAsync()}\n{otherProcess.Output}");
        var folder = await TarArchive.ExtractSingleFolderAsync(download);
        try
        {
            foreach (var file in Directory.GetFiles(ModelArchives.LlamaTiny))
                Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(folder, Path.GetFileName(file))));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
        Assert.False(Directory.Exists(Path.Combine(otherDir, "models", "tiny-llama")), "the other API process fetched the model to disk instead of streaming it from the bucket");

        using var deleted = await importer.Http.DeleteAsync("/v1/models/tiny-llama");
        Assert.True(deleted.IsSuccessStatusCode, $"{(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}\n{importerProcess.Output}");
        Assert.Empty(await ListAsync("models/"));

        // Gone for the other process too, and its name free again there.
        Assert.DoesNotContain((await other.GetJsonAsync("/v1/models"))["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "tiny-llama");
        using var again = await other.ImportArchiveAsync(ModelArchives.Tar(ModelArchives.LlamaTiny, root: "llama-tiny"), "tiny-llama", "llama-tiny.tar");
        Assert.True(again.IsSuccessStatusCode, $"{(int)again.StatusCode} {await again.Content.ReadAsStringAsync()}\n{otherProcess.Output}");
        Assert.Contains((await importer.GetJsonAsync("/v1/models"))["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "tiny-llama");
    }

    [Fact]
    public async Task A_checkpoint_that_cannot_reach_the_bucket_sends_the_job_back_to_the_queue_after_retries_and_gets_no_row()
    {
        var database = postgres.CreateDatabase();
        var bucket = new S3rverServer(); // a server of this test's own, to take away mid-job
        await bucket.InitializeAsync();
        var bucketUp = true;
        try
        {
            var (api, _, _) = await StartApiAsync(database, bucket);
            var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
            var jobId = (await api.CreateJobAsync(new
            {
                model = "babyllama-tinystories", training_file = file, seed = 12,
                method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 3, batch_size = 8, checkpoint_every_steps = 4 } } },
            }))["id"]!.GetValue<string>();
            var worker = StartWorker(database, out _, bucket);
            await WaitForCheckpointAsync(api, jobId, worker);
            await bucket.DisposeAsync(); // the endpoint goes away: connections are refused from now on
            bucketUp = false;

            // Like a database outage, an unreachable bucket is not the job's fault: after the retries the attempt
            // ends, the job goes back to the queue (never failed), and it continues once a worker reaches the store.
            var handBack = await WaitForEventAsync(api, jobId, "The artifact store could not be reached", worker);
            Assert.Contains("queued again", handBack);
            Assert.Contains("5 attempts", handBack);
            Assert.Contains("Tuning:Storage:S3:ServiceUrl", handBack);
            Assert.Contains("retrying in 2 s", worker.Output);
            var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            Assert.True(job["status"]!.GetValue<string>() is "queued" or "running", $"{job}\n{worker.Output}");
            Assert.Null(job["error"]?.AsObject());
            // The checkpoint whose push failed has no row, so no resume or download will ever trust it.
            var failedStep = int.Parse(System.Text.RegularExpressions.Regex.Match(handBack, $@"jobs/{jobId}/step-(\d+)").Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            var steps = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints?limit=100"))["data"]!.AsArray()
                .Select(c => c!["step_number"]!.GetValue<int>()).ToList();
            Assert.NotEmpty(steps);
            Assert.DoesNotContain(failedStep, steps);
            Assert.All(steps, step => Assert.True(step < failedStep, $"checkpoint rows {string.Join(", ", steps)}; the push of step {failedStep} failed"));
        }
        finally
        {
            if (bucketUp) await bucket.DisposeAsync();
        }
    }

    static async Task<string> WaitForEventAsync(ApiClient api, string jobId, string text, WorkerProcess worker)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            var events = (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=1000"))["data"]!.AsArray();
            if (events.Select(e => e!["message"]!.GetValue<string>()).FirstOrDefault(m => m.Contains(text, StringComparison.Ordinal)) is { } found)
                return found;
            await Task.Delay(500);
        }
        throw new TimeoutException($"No event '{text}' on {jobId}:\n{worker.Output}");
    }

    public void Dispose()
    {
        foreach (var process in processes) process.Dispose();
        foreach (var dir in dataDirs)
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { } // a killed process's file still closing
        }
    }

    Dictionary<string, string> Storage(S3rverServer? server = null) => new()
    {
        ["Tuning__Storage__Kind"] = "s3", ["Tuning__Storage__S3__ServiceUrl"] = (server ?? s3).ServiceUrl, ["Tuning__Storage__S3__Bucket"] = S3rverServer.Bucket,
        ["Tuning__Storage__S3__Prefix"] = prefix, ["Tuning__Storage__S3__ForcePathStyle"] = "true",
        ["Tuning__Storage__S3__AccessKey"] = S3rverServer.AccessKey, ["Tuning__Storage__S3__SecretKey"] = S3rverServer.SecretKey,
    };

    string NewDataDir(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"tuning-{name}-").FullName;
        dataDirs.Add(dir);
        return dir;
    }

    async Task<(ApiClient Api, string DataDir, ApiProcess Process)> StartApiAsync(string database, S3rverServer? server = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var dataDir = NewDataDir("api");
        var process = new ApiProcess(database, dataDir, Storage(server).Concat(environment ?? new Dictionary<string, string>()).ToDictionary());
        processes.Add(process);
        Assert.True(await process.WaitForHealthAsync(TimeSpan.FromMinutes(2)) == HttpStatusCode.OK, $"the API did not start:\n{process.Output}");
        return (new ApiClient(new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromMinutes(2) }), dataDir, process);
    }

    WorkerProcess StartWorker(string database, out string dataDir, S3rverServer? server = null)
    {
        dataDir = NewDataDir("worker");
        var worker = new WorkerProcess(database, dataDir, FastWorker.Concat(Storage(server)).ToDictionary());
        processes.Add(worker);
        return worker;
    }

    static async Task WaitForCheckpointAsync(ApiClient api, string jobId, ServiceProcess worker)
    {
        var until = DateTime.UtcNow + Deadline;
        while ((await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints"))["data"]!.AsArray().Count == 0)
        {
            var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            if (job["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled")
                throw new InvalidOperationException($"Job {jobId} ended before its first checkpoint: {job}\n{worker.Output}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId} saved no checkpoint: {job}\n{worker.Output}");
            await Task.Delay(100);
        }
    }

    static async Task<List<string>> EventMessagesAsync(ApiClient api, string jobId) =>
        (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=1000"))["data"]!.AsArray()
            .Select(e => e!["message"]!.GetValue<string>()).ToList();

    async Task<bool> ObjectExistsAsync(string key)
    {
        using var raw = s3.RawClient();
        try
        {
            await raw.GetObjectMetadataAsync(S3rverServer.Bucket, prefix + key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    async Task<byte[]> ObjectBytesAsync(string key)
    {
        using var raw = s3.RawClient();
        using var response = await raw.GetObjectAsync(S3rverServer.Bucket, prefix + key);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    async Task<List<string>> ListAsync(string under)
    {
        using var raw = s3.RawClient();
        var listed = await raw.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = S3rverServer.Bucket, Prefix = prefix + under });
        return (listed.S3Objects ?? []).Select(o => o.Key[prefix.Length..]).ToList();
    }
}
