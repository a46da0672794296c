using System.Globalization;
using TuningService.Bench.QueueLatencyBench;
using TuningService.Bench.ServiceHarness;

// Queue latency: job created -> first training step, in embedded mode (SQLite, the worker inside the API) and in
// PostgreSQL mode (the API queues, a separate src/Worker process trains, both on the PostgreSQL named by
// ConnectionStrings__Postgres; bench/run starts a throwaway one). Each mode gets a fresh API (and worker) and runs
// several jobs one after the other; the first includes the service's cold start (first model load, JIT).
// Usage: ConnectionStrings__Postgres=... dotnet run -c Release --project bench/QueueLatencyBench -- [runs=5] [modes=embedded,postgres]
// The PostgreSQL database is used as it is (the service creates its tables): give it a throwaway one.
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var modes = args.Length > 1 ? args[1].Split(',') : ["embedded", "postgres"];
var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
if (modes.Contains("postgres") && string.IsNullOrWhiteSpace(postgres))
    throw new InvalidOperationException("PostgreSQL mode needs ConnectionStrings__Postgres (bench/run starts a throwaway server and sets it).");

var all = new List<QueueRun>();
foreach (var mode in modes)
{
    var work = Directory.CreateTempSubdirectory($"queuebench-{mode}-").FullName;
    var dataDir = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
    var settings = mode switch
    {
        "embedded" => ServiceSettings.Embedded(dataDir),
        "postgres" => ServiceSettings.Postgres(dataDir, postgres!, workerInProcess: false),
        _ => throw new ArgumentException($"Unknown mode '{mode}': use embedded or postgres."),
    };
    var port = LoopbackPort.Free();
    var succeeded = false;
    using (var api = ServiceProcess.Api(port, settings, Path.Combine(work, "api.log")))
    using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) })
    {
        var client = new TuningClient(http);
        await client.WaitHealthyAsync(TimeSpan.FromMinutes(2), api);
        // The worker starts after the API has created the schema, as an operator would start it.
        using var worker = mode == "postgres" ? ServiceProcess.Worker(settings, Path.Combine(work, "worker.log")) : null;
        if (worker is not null) await worker.WaitUntilStartedAsync(TimeSpan.FromMinutes(2));
        Console.WriteLine($"{mode}: API pid {api.Id}{(worker is null ? " (worker inside)" : $", worker pid {worker.Id}")}; load average {LoadAverage()}");

        var probe = new QueueProbe(client, await client.UploadAsync(TrainingFiles.Sst2Sample(1), "sst2-sample.jsonl"));
        for (var run = 1; run <= runs; run++)
        {
            var measured = await probe.MeasureAsync(mode, run, TimeSpan.FromMinutes(3));
            all.Add(measured);
            Console.WriteLine($"  run {run}: created -> training {measured.ToTraining.TotalSeconds:F3} s, -> first reported step {measured.ToFirstReport.TotalSeconds:F3} s" +
                              (run == 1 ? " (cold: the service's first job)" : ""));
        }
        succeeded = true;
    }
    if (succeeded) Directory.Delete(work, recursive: true);
    else Console.WriteLine($"Kept {work} (logs there).");
}

Console.WriteLine();
Console.WriteLine($"Resolution: polled every {QueueProbe.PollInterval.TotalMilliseconds:F0} ms (plus one GET); runs per mode {runs}, the first cold.");
Console.WriteLine("| mode | created -> training: median s | max s | first run s | created -> first reported step: median s | max s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var mode in modes)
{
    var mine = all.Where(r => r.Mode == mode).ToList();
    var training = mine.Select(r => r.ToTraining.TotalSeconds).ToList();
    var report = mine.Select(r => r.ToFirstReport.TotalSeconds).ToList();
    Console.WriteLine($"| {mode} | {Median(training):F3} | {training.Max():F3} | {training[0]:F3} | {Median(report):F3} | {report.Max():F3} |");
    SuiteLine.Print($"queue.{mode}.median", Median(training), "s");
    SuiteLine.Print($"queue.{mode}.max", training.Max(), "s");
    SuiteLine.Print($"queue.{mode}.first_report_median", Median(report), "s");
}

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
