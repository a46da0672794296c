using System.Net;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>GET /v1/fine_tuning/jobs pages newest first with `limit` and the `after` cursor; GET of one job finds it or answers 404.</summary>
public sealed class ListJobsTests : IDisposable
{
    // No worker: the jobs stay queued, so the list only depends on what was created.
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public ListJobsTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Pages_follow_creation_order_newest_first_across_the_cursor()
    {
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var created = new List<JsonObject>();
        for (var i = 0; i < 5; i++) created.Add(await api.CreateJobAsync(new { model = "babyllama-tinystories", training_file = file }));
        // The list's order: created_at descending (whole seconds, so jobs created together tie), then id descending.
        var expected = created.OrderByDescending(j => j["created_at"]!.GetValue<long>())
            .ThenByDescending(j => j["id"]!.GetValue<string>(), StringComparer.Ordinal).Select(j => j["id"]!.GetValue<string>()).ToList();

        var pages = new List<(List<string> Ids, bool HasMore, JsonObject Page)>();
        string? after = null;
        do
        {
            var page = await api.GetJsonAsync("/v1/fine_tuning/jobs?limit=2" + (after is null ? "" : $"&after={after}"));
            var ids = page["data"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()).ToList();
            pages.Add((ids, page["has_more"]!.GetValue<bool>(), page));
            after = ids.LastOrDefault();
        } while (pages[^1].HasMore && pages.Count < 10);

        Assert.Equal([expected[0], expected[1]], pages[0].Ids);
        Assert.Equal([expected[2], expected[3]], pages[1].Ids);
        Assert.Equal([expected[4]], pages[2].Ids);
        Assert.Equal([true, true, false], pages.Select(p => p.HasMore));
        Assert.Equal(expected[0], pages[0].Page["first_id"]!.GetValue<string>());
        Assert.Equal(expected[1], pages[0].Page["last_id"]!.GetValue<string>());

        var all = await api.GetJsonAsync("/v1/fine_tuning/jobs");
        Assert.Equal(expected, all["data"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        Assert.False(all["has_more"]!.GetValue<bool>());
    }

    [Fact]
    public async Task One_job_is_found_by_id_and_an_unknown_id_or_cursor_is_an_error()
    {
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var created = await api.CreateJobAsync(new { model = "babyllama-tinystories", training_file = file });
        var id = created["id"]!.GetValue<string>();

        var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{id}");
        Assert.Equal(id, job["id"]!.GetValue<string>());
        Assert.Equal(file, job["training_file"]!.GetValue<string>());
        Assert.Equal("queued", job["status"]!.GetValue<string>());

        var missing = await api.Http.GetAsync("/v1/fine_tuning/jobs/ftjob-doesnotexist");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("job_id", (await ApiClient.JsonAsync(missing))["error"]!["param"]!.GetValue<string>());

        var badCursor = await api.Http.GetAsync("/v1/fine_tuning/jobs?after=ftjob-doesnotexist");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal("after", (await ApiClient.JsonAsync(badCursor))["error"]!["param"]!.GetValue<string>());
    }
}
