using System.Globalization;
using TuningService.Bench.ApiLoadBench;
using TuningService.Bench.ServiceHarness;

// Latency of GET /v1/fine_tuning/jobs/{id} and GET /v1/fine_tuning/jobs at a fixed request rate on loopback, while a
// job trains in the same (embedded-mode) API process and while none does. The API is the Release build of src/Api,
// started as its own process on a free port of 127.0.0.1 with a temporary data directory.
// Usage: dotnet run -c Release --project bench/ApiLoadBench -- [requests/s=500] [seconds per measurement=20] [warm-up seconds=3]
var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var warmupSeconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var duration = TimeSpan.FromSeconds(seconds);

var work = Directory.CreateTempSubdirectory("apiloadbench-").FullName;
var dataDir = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
var port = LoopbackPort.Free();
var baseAddress = new Uri($"http://127.0.0.1:{port}");
var results = new List<(string State, string Name, LoadResult Result, RunCost Cost)>();
var succeeded = false;
using (var api = ServiceProcess.Api(port, ServiceSettings.Embedded(dataDir), Path.Combine(work, "api.log")))
using (var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) })
{
    var client = new TuningClient(http);
    await client.WaitHealthyAsync(TimeSpan.FromMinutes(2), api);
    Console.WriteLine($"API (pid {api.Id}) on {baseAddress}, embedded mode, data in {dataDir}; {rate} requests/s for {seconds:F0} s per measurement, " +
                      $"open loop (latency from each request's due time), at most {FixedRateLoad.MaxConnections} connections; load average {LoadAverage()}");

    // A job that outlasts the measurements: the SST-2 sample 10 times (2,000 examples, 250 steps per epoch) for 50 epochs.
    var fileId = await client.UploadAsync(TrainingFiles.Sst2Sample(10), "sst2-x10.jsonl");
    var jobId = await client.CreateJobAsync(fileId, epochs: 50, batchSize: 8);
    await WaitUntilTrainingAsync(client, jobId, TimeSpan.FromMinutes(3));
    // A full first page for the list: 19 more jobs, queued behind the training one and cancelled at once.
    for (var i = 0; i < 19; i++) await client.CancelAsync(await client.CreateJobAsync(fileId, epochs: 1, batchSize: 8), TimeSpan.FromMinutes(1));

    var load = new FixedRateLoad(baseAddress);
    // Warm-up (not recorded): JIT, connection pool, EF Core's query caches.
    await load.RunAsync($"/v1/fine_tuning/jobs/{jobId}", rate, TimeSpan.FromSeconds(warmupSeconds));
    await load.RunAsync("/v1/fine_tuning/jobs", rate, TimeSpan.FromSeconds(warmupSeconds));
    var jitWait = await TieredCompilationThread.WaitUntilQuietAsync(api.Id, TimeSpan.FromSeconds(60));
    Console.WriteLine($"waited {jitWait.TotalSeconds:F0} s after the warm-up for the API's background JIT to go quiet");

    var before = await client.GetJobAsync(jobId);
    await MeasureAsync("training", jobId);
    var after = await client.GetJobAsync(jobId);
    Console.WriteLine($"the job trained from step {TuningClient.Step(before)} to {TuningClient.Step(after)} during the measurements and is {TuningClient.Status(after)}");
    if (TuningClient.Status(after) != "running")
        Console.WriteLine("WARNING: the job stopped before the measurements ended; the 'training' figures are partly without training.");

    await client.CancelAsync(jobId, TimeSpan.FromMinutes(1));
    await MeasureAsync("idle", jobId);
    succeeded = true;

    async Task MeasureAsync(string state, string id)
    {
        foreach (var (name, path) in new[] { ("job", $"/v1/fine_tuning/jobs/{id}"), ("list", "/v1/fine_tuning/jobs") })
        {
            Console.WriteLine($"{state,-8} GET {path}: measuring for {seconds:F0} s ...");
            var meter = CostMeter.Start(api.Id);
            var result = await load.RunAsync(path, rate, duration);
            var cost = meter.Stop(result.Requests);
            results.Add((state, name, result, cost));
            Console.WriteLine($"{state,-8} GET {path}: {result.Requests} requests in {result.Wall.TotalSeconds:F1} s ({result.AchievedRate:F0}/s), " +
                              $"p50 {result.Percentile(50):F1} ms, p90 {result.Percentile(90):F1} ms, p99 {result.Percentile(99):F1} ms, max {result.Max:F1} ms, " +
                              $"{result.Failed} failed; generator late by p50 {LoadResult.Percentile(result.SendLagMs, 50):F2} ms, p99 {LoadResult.Percentile(result.SendLagMs, 99):F1} ms; " +
                              $"load average {LoadAverage()}");
            Console.WriteLine($"         cost: {cost}");
        }
    }
}
if (succeeded) Directory.Delete(work, recursive: true);
else Console.WriteLine($"Kept {work} (the API's log is api.log there).");

Console.WriteLine();
Console.WriteLine("| state | request | p50 ms | p90 ms | p99 ms | max ms | failed | achieved requests/s | API CPU ms/request | API wait ms/request | trainer cores | generator CPU ms/request | generator KiB/request |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (state, name, r, c) in results)
{
    Console.WriteLine($"| {state} | GET {(name == "job" ? "/v1/fine_tuning/jobs/{id}" : "/v1/fine_tuning/jobs")} | {r.Percentile(50):F1} | {r.Percentile(90):F1} | " +
                      $"{r.Percentile(99):F1} | {r.Max:F1} | {r.Failed} | {r.AchievedRate:F0} | {c.ServerCpuMsPerRequest:F3} | {c.ServerWaitMsPerRequest:F3} | {c.TrainerCores:F2} | " +
                      $"{c.GeneratorCpuMsPerRequest:F3} | {c.GeneratorKbPerRequest:F1} |");
}
foreach (var (state, name, r, _) in results)
{
    foreach (var p in new[] { 50, 90, 99 }) SuiteLine.Print($"api.{state}.{name}.p{p}", r.Percentile(p), "ms");
    SuiteLine.Print($"api.{state}.{name}.max", r.Max, "ms");
    SuiteLine.Print($"api.{state}.{name}.failed", r.Failed, "requests");
}

// Polls the job until the trainer has reported a step: from then on it is training.
static async Task WaitUntilTrainingAsync(TuningClient client, string jobId, TimeSpan timeout)
{
    var until = DateTime.UtcNow + timeout;
    while (true)
    {
        var job = await client.GetJobAsync(jobId);
        if (TuningClient.Step(job) > 0) return;
        if (TuningClient.IsTerminal(job)) throw new InvalidOperationException($"The job ended before training: {job.ToJsonString()}");
        if (DateTime.UtcNow > until) throw new TimeoutException($"The job is not training after {timeout}: {job.ToJsonString()}");
        await Task.Delay(200);
    }
}

static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
