using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>The embedded default: SQLite and the Hangfire server inside the API process.</summary>
public sealed class EmbeddedFineTuningTests
{
    [Fact]
    public async Task Upload_train_and_download_a_better_model_on_sqlite()
    {
        using var factory = new TuningApiFactory();
        var api = new ApiClient(factory.CreateClient());
        await FineTuneScenario.RunAsync(api);
    }
}
