using System.Net;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Health;

/// <summary>/healthz/live answers while the process does; /healthz/ready (and /healthz) names each dependency and turns 503 without the database.</summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Live_and_ready_answer_with_each_check_named()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var http = factory.CreateClient();

        var (liveStatus, live) = await GetAsync(http, "/healthz/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("healthy", live["status"]!.GetValue<string>());
        Assert.Empty(live["checks"]!.AsObject());

        foreach (var path in new[] { "/healthz/ready", "/healthz" })
        {
            var (status, ready) = await GetAsync(http, path);
            Assert.True(status == HttpStatusCode.OK, $"{path}: {ready}");
            Assert.Equal("healthy", ready["status"]!.GetValue<string>());
            Assert.Equal(["database", "migrations", "storage"], ready["checks"]!.AsObject().Select(c => c.Key).Order());
            Assert.All(ready["checks"]!.AsObject(), c => Assert.Equal("healthy", c.Value!["status"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Ready_turns_503_naming_the_database_while_it_is_down_and_live_stays_200()
    {
        using var postgres = RestartablePostgres.Start();
        using var factory = new TuningApiFactory(postgres.ConnectionString, new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
        var http = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/healthz/ready")).Status);

        postgres.Stop();
        var (status, ready) = await GetAsync(http, "/healthz/ready");
        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"ready with the database down: {(int)status} {ready}");
        Assert.Equal("unhealthy", ready["status"]!.GetValue<string>());
        Assert.Equal("unhealthy", ready["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Equal("healthy", ready["checks"]!["storage"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(http, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/healthz/live")).Status);

        postgres.StartAgain();
        var (back, again) = await GetAsync(http, "/healthz/ready");
        Assert.True(back == HttpStatusCode.OK, $"ready once the database is back: {(int)back} {again}");
    }

    static async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
