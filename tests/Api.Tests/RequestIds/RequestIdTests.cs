using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.RequestIds;

/// <summary>x-request-id: a sane one from the caller is kept, anything else replaced by a req_ id; echoed on every answer, errors included.</summary>
public sealed partial class RequestIdTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false",
        ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice",
    });

    public void Dispose() => factory.Dispose();

    [GeneratedRegex("^req_[0-9a-f]{32}$")]
    private static partial Regex Generated();

    async Task<HttpResponseMessage> SendAsync(string path, string? requestId, string? key = "key-alice")
    {
        var http = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (requestId is not null) request.Headers.TryAddWithoutValidation("X-Request-Id", requestId);
        return await http.SendAsync(request);
    }

    static string Echoed(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("x-request-id"));

    [Theory]
    [InlineData("/v1/models", HttpStatusCode.OK)]
    [InlineData("/v1/fine_tuning/jobs/ftjob-missing", HttpStatusCode.NotFound)] // the error handler's answer
    [InlineData("/no/such/url", HttpStatusCode.NotFound)] // no route
    [InlineData("/healthz/live", HttpStatusCode.OK)]
    public async Task A_sane_request_id_is_echoed_on_every_answer(string path, HttpStatusCode expected)
    {
        using var response = await SendAsync(path, "trace-7f3a:01/b");
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("trace-7f3a:01/b", Echoed(response));
    }

    [Fact]
    public async Task Without_one_each_answer_gets_a_new_id_in_OpenAIs_shape_also_a_401()
    {
        using var first = await SendAsync("/v1/models", null);
        using var second = await SendAsync("/v1/models", null);
        using var refused = await SendAsync("/v1/models", null, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        foreach (var response in new[] { first, second, refused }) Assert.Matches(Generated(), Echoed(response));
        Assert.NotEqual(Echoed(first), Echoed(second));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("ünïcode")]
    public async Task An_id_that_is_not_printable_ascii_is_replaced(string presented)
    {
        using var response = await SendAsync("/v1/models", presented);
        Assert.Matches(Generated(), Echoed(response));
    }

    [Fact]
    public async Task An_id_longer_than_128_characters_is_replaced()
    {
        using var kept = await SendAsync("/v1/models", new string('a', 128));
        Assert.Equal(new string('a', 128), Echoed(kept));
        using var replaced = await SendAsync("/v1/models", new string('a', 129));
        Assert.Matches(Generated(), Echoed(replaced));
    }
}
