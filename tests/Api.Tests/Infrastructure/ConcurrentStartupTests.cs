using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>Several processes starting at once on an empty PostgreSQL database must not race on the schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrentStartupTests(PostgresServer postgres)
{
    [Fact]
    public async Task Three_instances_starting_together_on_an_empty_database_all_come_up()
    {
        var database = postgres.CreateDatabase();
        var factories = Enumerable.Range(0, 3)
            .Select(_ => new TuningApiFactory(database, new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" }))
            .ToList();
        try
        {
            // CreateClient starts the host, which migrates the database and installs Hangfire's schema first.
            var clients = await Task.WhenAll(factories.Select(f => Task.Run(f.CreateClient)));
            foreach (var client in clients)
                Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            foreach (var f in factories) f.Dispose();
        }
    }
}
