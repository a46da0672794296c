using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;
using Xunit.Abstractions;

namespace TuningService.Api.Tests.Datasets;

/// <summary>
/// Issue 17: dataset operations stream with bounded memory and bounded concurrency. The real API process gets a
/// 500 MB file through the real upload, then eight operations on it at once (stats, preview, clean and split, two
/// each) while /healthz/ready is asked again and again, each time with a 1 s timeout: every answer must be 200,
/// and the process's peak resident memory must grow far less than the file.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatasetOperationsUnderLoadTests(PostgresServer postgres, ITestOutputHelper output)
{
    const long FileBytes = 500_000_000;

    /// <summary>
    /// The peak resident growth allowed while the operations run. Measured on the 2-core machine: one split of this
    /// file, the operation that holds the most per record, peaks 142 MiB above its start (bench/DatasetMemory; README
    /// "Dataset operations"); this test saw 65, 170 and 195 MiB in its window on a busy machine. Reading the file whole, as preview, clean and split did
    /// before, took 1,240 MiB for a preview alone (its text as UTF-16 strings), so the bound tells the two apart with room
    /// on both sides.
    /// </summary>
    const long MaxGrowthBytes = 300L * 1024 * 1024;

    /// <summary>How long the operations are watched. Statistics and cleaning tokenize every record; on 2 cores the
    /// eight take minutes in all, so the test watches a fixed window and then hangs up on what is still running.</summary>
    static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Eight_operations_on_a_500_MB_file_leave_ready_answering_and_memory_bounded()
    {
        var dataDir = Directory.CreateTempSubdirectory("tuning-datastream-").FullName;
        var source = Path.Combine(dataDir, "..", $"large-{Guid.NewGuid():N}.jsonl");
        try
        {
            var records = WriteDataset(source, FileBytes);
            // The default gate (half the cores: 1 on a 2-core machine), so the bound below is one whole-file operation's state.
            using var api = new ApiProcess(postgres.CreateDatabase(), dataDir);
            Assert.Equal(HttpStatusCode.OK, await api.WaitForHealthAsync(TimeSpan.FromMinutes(2)));
            using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            var uploadStarted = DateTime.UtcNow;
            var fileId = await UploadAsync(http, source);
            output.WriteLine($"{records} records written and uploaded in {(DateTime.UtcNow - uploadStarted).TotalSeconds:F0} s");
            File.Delete(source);
            // The first preview loads the model and LibTorch into the process: done before the baseline, it is no growth.
            Assert.Equal(HttpStatusCode.OK, (await RunAsync(http, fileId, "preview", CancellationToken.None)).Status);

            var memory = new PeakMemory(api.ProcessId);
            using var hangUp = new CancellationTokenSource();
            // Split and clean first: they hold the most per record (digests, indices).
            string[] operations = ["split", "clean", "preview", "stats", "split", "clean", "preview", "stats"];
            var running = operations.Select(op => RunAsync(http, fileId, op, hangUp.Token)).ToList();

            using var probe = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(1) };
            var polls = 0;
            var until = DateTime.UtcNow + Window;
            while (DateTime.UtcNow < until && running.Any(t => !t.IsCompleted))
            {
                using var ready = await probe.GetAsync("/healthz/ready"); // throws TaskCanceledException after 1 s
                Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/healthz/ready answered {(int)ready.StatusCode} during the operations");
                memory.Sample();
                polls++;
                await Task.Delay(200);
            }
            await hangUp.CancelAsync();
            var outcomes = await Task.WhenAll(running);

            Assert.True(polls >= 10, $"only {polls} readiness polls ran");
            // Previews read only their first records: they finish at once, whatever else runs.
            Assert.All(outcomes.Where(o => o.Operation == "preview"), o => Assert.Equal(HttpStatusCode.OK, o.Status));
            // The rest finished with 200 or were still running or waiting when the window closed; none failed.
            Assert.All(outcomes, o => Assert.True(o.Status is HttpStatusCode.OK or null, $"{o.Operation}: {(int?)o.Status} {o.Body}"));
            foreach (var o in outcomes.Where(o => o.Operation == "stats" && o.Status == HttpStatusCode.OK))
                Assert.Equal(records, JsonNode.Parse(o.Body)!["record_count"]!.GetValue<int>());
            var growth = memory.Growth();
            output.WriteLine($"{records} records; {polls} readiness polls, all 200; peak resident growth {growth / (1024 * 1024)} MiB over " +
                $"{memory.BaselineBytes / (1024 * 1024)} MiB; outcomes: {string.Join(", ", outcomes.Select(o => $"{o.Operation} {(int?)o.Status}"))}");
            Assert.True(growth < MaxGrowthBytes,
                $"peak resident memory grew by {growth / (1024 * 1024)} MiB over {memory.BaselineBytes / (1024 * 1024)} MiB while the operations ran " +
                $"(bound {MaxGrowthBytes / (1024 * 1024)} MiB; the file is {FileBytes / 1_000_000} MB); finished: " +
                string.Join(", ", outcomes.Select(o => $"{o.Operation} {(int?)o.Status}")));
        }
        finally
        {
            File.Delete(source);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>JSONL prompt/completion records of about 1 KB, labels from a set of four (so split stratifies and stats
    /// counts labels), one in fifty an exact repeat of an earlier record (so clean and split find duplicates).</summary>
    static int WriteDataset(string path, long bytes)
    {
        string[] words = ["the", "a", "little", "girl", "boy", "dog", "cat", "saw", "went", "to", "park", "and", "played", "with", "ball",
            "sun", "was", "happy", "sad", "big", "small", "red", "blue", "tree", "house", "ran", "jumped"];
        string[] labels = [" positive", " negative", " neutral", " mixed"];
        var random = new Random(17);
        var recent = new List<string>();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        long written = 0;
        var count = 0;
        var text = new StringBuilder();
        while (written < bytes)
        {
            string line;
            if (count % 50 == 49) line = recent[random.Next(recent.Count)];
            else
            {
                text.Clear();
                for (var w = 0; w < 190; w++) text.Append(w == 0 ? "" : " ").Append(words[random.Next(words.Length)]);
                line = JsonSerializer.Serialize(new { prompt = $"Review {count}: {text}\nSentiment:", completion = labels[count % 4] });
                if (recent.Count < 1000) recent.Add(line);
            }
            writer.Write(line);
            writer.Write('\n');
            written += line.Length + 1; // ASCII: one byte a character
            count++;
        }
        return count;
    }

    static async Task<string> UploadAsync(HttpClient http, string path)
    {
        await using var file = File.OpenRead(path);
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(content, "file", "large.jsonl");
        form.Add(new StringContent("fine-tune"), "purpose");
        using var response = await http.PostAsync("/v1/files", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>The operation's status and body, or a null status when it was still running or waiting at hang-up.</summary>
    static async Task<(string Operation, HttpStatusCode? Status, string Body)> RunAsync(HttpClient http, string fileId, string operation,
        CancellationToken hangUp)
    {
        try
        {
            using var response = operation == "stats"
                ? await http.GetAsync($"/v1/files/{fileId}/stats", hangUp)
                // clean has no seed (an unknown parameter is a 400); preview and split take one.
                : await http.PostAsJsonAsync($"/v1/files/{fileId}/{operation}", operation == "clean" ? new JsonObject() : new JsonObject { ["seed"] = 7 }, hangUp);
            return (operation, response.StatusCode, await response.Content.ReadAsStringAsync(hangUp));
        }
        catch (OperationCanceledException) when (hangUp.IsCancellationRequested)
        {
            return (operation, null, "");
        }
    }
}
