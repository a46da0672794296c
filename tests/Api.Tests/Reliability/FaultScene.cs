using System.Text.Json.Nodes;
using Npgsql;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Reliability;

/// <summary>
/// One test's service: the API in-process (no worker inside it) on a PostgreSQL database of its own, the sample
/// data uploaded, and worker processes started on demand with short leases and a fast reconciler, each connecting
/// under a name of its own (see <see cref="WriteAudit"/>). Disposing kills the workers still running.
/// </summary>
public sealed class FaultScene : IDisposable
{
    /// <summary>Short lease, re-delivery and reconcile so a test does not wait the production minutes.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastWorker = new Dictionary<string, string>
    {
        ["Tuning__LeaseSeconds"] = "4", ["Tuning__JobInvisibilitySeconds"] = "6", ["Tuning__ReconcileCron"] = "*/5 * * * * *",
        ["Tuning__ShutdownCheckpointSeconds"] = "20", ["Tuning__WorkerCount"] = "1",
    };

    readonly string database;
    readonly List<WorkerProcess> workers = [];

    public FaultScene(string database)
    {
        this.database = database;
        Factory = new TuningApiFactory(database, new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:LeaseSeconds"] = "4", ["Tuning:JobInvisibilitySeconds"] = "6",
        });
        Api = new ApiClient(Factory.CreateClient());
        Rows = new JobRows(database);
    }

    public TuningApiFactory Factory { get; }
    public ApiClient Api { get; }
    public JobRows Rows { get; }

    /// <summary>Starts a worker process connecting as <paramref name="name"/>; <paramref name="extra"/> over <see cref="FastWorker"/>.</summary>
    public WorkerProcess StartWorker(string name, IReadOnlyDictionary<string, string>? extra = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(database) { ApplicationName = name }.ConnectionString;
        var environment = FastWorker.Concat(extra ?? new Dictionary<string, string>())
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var worker = new WorkerProcess(connection, Factory.DataDir, environment);
        workers.Add(worker);
        return worker;
    }

    public async Task<string> UploadAsync(string sample) => await Api.UploadFileAsync(RepoPaths.Sample(sample));

    public async Task<string> CreateJobAsync(object request) => (await Api.CreateJobAsync(request))["id"]!.GetValue<string>();

    public async Task<JsonArray> EventsAsync(string jobId) =>
        (await Api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=1000"))["data"]!.AsArray();

    public async Task<IReadOnlyList<string>> EventMessagesAsync(string jobId) =>
        (await EventsAsync(jobId)).Select(e => e!["message"]!.GetValue<string>()).Reverse().ToList();

    /// <summary>The lease owner string of a claim by <paramref name="worker"/> contains this.</summary>
    public static string OwnerMark(ServiceProcess worker) => $":{worker.ProcessId}:";

    public void Dispose()
    {
        foreach (var worker in workers) worker.Dispose();
        Factory.Dispose();
    }
}
