using System.Net.Http.Json;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Models;

/// <summary>Production mode: the import row in PostgreSQL and its job on Hangfire's PostgreSQL queue for imports.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHubImportTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_hub_import_runs_from_the_postgres_queue()
    {
        await using var hub = await FakeHub.StartAsync("tests/llama-tiny", "main", ModelArchives.LlamaTiny, dropOnce: "model.safetensors");
        using var factory = new TuningApiFactory(postgres.CreateDatabase(), new Dictionary<string, string> { ["Tuning:HubUrl"] = hub.Url });
        var api = new ApiClient(factory.CreateClient());

        var queued = await ApiClient.JsonAsync(await api.Http.PostAsJsonAsync("/v1/models/import", new { source = "hf", repo = "tests/llama-tiny" }));
        var import = await api.WaitForImportAsync(queued["id"]!.GetValue<string>(), TimeSpan.FromMinutes(2));

        Assert.True(import["status"]!.GetValue<string>() == "succeeded", import.ToJsonString());
        Assert.Equal("system", (await api.GetJsonAsync("/v1/models/llama-tiny"))["owned_by"]!.GetValue<string>());
    }
}
