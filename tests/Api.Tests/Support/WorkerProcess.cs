namespace TuningService.Api.Tests.Support;

/// <summary>src/Worker as a separate OS process, pointed at the given database and data directory.</summary>
public sealed class WorkerProcess(string postgresConnectionString, string dataDir, IReadOnlyDictionary<string, string>? environment = null)
    : ServiceProcess("Worker", "TuningService.Worker", new Dictionary<string, string>
    {
        ["ConnectionStrings__Postgres"] = postgresConnectionString,
        ["Tuning__DataDir"] = dataDir,
    }, environment);
