using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>
/// The API without an in-process worker, and src/Worker running as its own process on the same PostgreSQL
/// database and data directory: only that process can have trained the model.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SeparateWorkerTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_separate_worker_process_runs_the_job()
    {
        var database = postgres.CreateDatabase();
        using var factory = new TuningApiFactory(database, new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var api = new ApiClient(factory.CreateClient()); // starting the API migrates the database first
        using var worker = new WorkerProcess(database, factory.DataDir);
        try
        {
            var job = await FineTuneScenario.RunAsync(api);
            Assert.Equal("cpu", job["device"]!.GetValue<string>());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- worker output ---\n{worker.Output}");
        }
        Assert.False(worker.HasExited, $"the worker exited early:\n{worker.Output}");
    }
}
