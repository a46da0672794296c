using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>Production mode: PostgreSQL for the data and for Hangfire's queue.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFineTuningTests(PostgresServer postgres)
{
    [Fact]
    public async Task Upload_train_and_download_a_better_model_on_postgres()
    {
        using var factory = new TuningApiFactory(postgres.CreateDatabase());
        var api = new ApiClient(factory.CreateClient());
        await FineTuneScenario.RunAsync(api);
    }
}
