using System.Net;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Infrastructure;

public sealed class OpenAiErrorTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("/v1/no-such-route", HttpStatusCode.NotFound)]
    [InlineData("/v1/fine_tuning/jobs/ftjob-missing", HttpStatusCode.NotFound)]
    [InlineData("/v1/models/ft:nothing:here:ftjob-x", HttpStatusCode.NotFound)]
    public async Task Errors_have_the_OpenAI_shape(string url, HttpStatusCode status)
    {
        var response = await factory.CreateClient().GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        var error = (await ApiClient.JsonAsync(response))["error"]!.AsObject();
        Assert.Equal(["message", "type", "param", "code"], error.Select(p => p.Key));
        Assert.DoesNotContain("   at ", error["message"]!.GetValue<string>()); // never a stack trace
    }

    [Fact]
    public async Task Invalid_json_is_a_400_not_a_500()
    {
        var response = await factory.CreateClient().PostAsync("/v1/fine_tuning/jobs",
            new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await ApiClient.JsonAsync(response))["error"]!["type"]!.GetValue<string>());
    }
}
