namespace TuningService.Bench.ServiceHarness;

/// <summary>The environment a benchmark's service processes get: their data directory and, in PostgreSQL mode, the database.</summary>
public static class ServiceSettings
{
    /// <summary>Embedded mode: SQLite in <paramref name="dataDir"/>, the worker inside the API.</summary>
    public static Dictionary<string, string> Embedded(string dataDir) => new()
    {
        ["Tuning__DataDir"] = dataDir,
        ["ConnectionStrings__Postgres"] = "",
        ["Tuning__RunWorkerInProcess"] = "true",
    };

    /// <summary>
    /// PostgreSQL mode as deployed with separate workers: the API queues jobs, a src/Worker process trains them;
    /// both share the data directory (uploaded files, checkpoints).
    /// </summary>
    public static Dictionary<string, string> Postgres(string dataDir, string connectionString, bool workerInProcess) => new()
    {
        ["Tuning__DataDir"] = dataDir,
        ["ConnectionStrings__Postgres"] = connectionString,
        ["Tuning__RunWorkerInProcess"] = workerInProcess ? "true" : "false",
    };
}
