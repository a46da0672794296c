using System.Net;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Dashboard;

/// <summary>/ui's static files: served without a key (the page asks for one and sends it to the API), while the API
/// itself still demands it.</summary>
public sealed class DashboardFilesTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice",
    });

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task The_page_and_its_modules_are_served_without_a_key_and_the_api_still_needs_one()
    {
        using var http = factory.CreateClient(new() { AllowAutoRedirect = false });

        using var bare = await http.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/ui/", bare.Headers.Location?.OriginalString);

        using var index = await http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Contains("<script type=\"module\" src=\"app.js\">", await index.Content.ReadAsStringAsync());

        foreach (var (path, type) in new[] { ("/ui/app.js", "text/javascript"), ("/ui/pages/job.js", "text/javascript"),
                     ("/ui/vendor/chart.js/chart.umd.min.js", "text/javascript"), ("/ui/style.css", "text/css") })
        {
            using var asset = await http.GetAsync(path);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{path}: {(int)asset.StatusCode}");
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
        }

        using var api = await http.GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var missing = await http.GetAsync("/ui/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
