using System.Net;
using System.Net.Http.Headers;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.RateLimits;

/// <summary>
/// Per-key request rates: OpenAI's x-ratelimit-* headers on each answer, a 429 in OpenAI's shape with retry-after
/// past the limit, a bucket per key, and health and metrics never limited.
/// </summary>
public sealed class RequestRateLimitTests
{
    static TuningApiFactory WithKeys() => new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false",
        ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice", ["Tuning:ApiKeys:0:RequestsPerMinute"] = "2",
        ["Tuning:ApiKeys:1:Key"] = "key-bob", ["Tuning:ApiKeys:1:Owner"] = "bob",
    });

    static HttpClient As(TuningApiFactory factory, string key)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"no {name} header");

    [Fact]
    public async Task Past_a_keys_own_limit_the_answer_is_429_with_OpenAIs_headers_and_other_keys_go_on()
    {
        using var factory = WithKeys();
        var alice = As(factory, "key-alice");

        var first = await alice.GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", Header(first, "x-ratelimit-limit-requests"));
        Assert.Equal("1", Header(first, "x-ratelimit-remaining-requests"));
        Assert.Equal("30s", Header(first, "x-ratelimit-reset-requests")); // one of two back: 30 s at 2 a minute
        var second = await alice.GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("0", Header(second, "x-ratelimit-remaining-requests"));
        Assert.Equal("1m0s", Header(second, "x-ratelimit-reset-requests"));

        var refused = await alice.GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("2", Header(refused, "x-ratelimit-limit-requests"));
        Assert.Equal("0", Header(refused, "x-ratelimit-remaining-requests"));
        var retryAfter = int.Parse(Header(refused, "retry-after"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 30);
        var error = (await ApiClient.JsonAsync(refused))["error"]!;
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("requests", error["type"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains("Limit 2", message, StringComparison.Ordinal);
        Assert.Contains("Please try again in", message, StringComparison.Ordinal);

        // Bob's key has its own bucket, of the default size.
        var bob = await As(factory, "key-bob").GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.Equal("1200", Header(bob, "x-ratelimit-limit-requests"));
        Assert.Equal("1199", Header(bob, "x-ratelimit-remaining-requests"));

        // Health and metrics are for probes and Prometheus: never limited, and they carry no rate headers.
        for (var i = 0; i < 5; i++)
        {
            var health = await alice.GetAsync("/healthz");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, health.StatusCode);
            Assert.False(health.Headers.Contains("x-ratelimit-limit-requests"));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await alice.GetAsync("/metrics")).StatusCode);
        }
    }

    [Fact]
    public async Task Without_keys_the_local_owner_is_held_to_the_default_limit()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:RateLimits:RequestsPerMinute"] = "1",
        });
        var http = factory.CreateClient();
        var first = await http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1", Header(first, "x-ratelimit-limit-requests"));
        var refused = await http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limit_exceeded", (await ApiClient.JsonAsync(refused))["error"]!["code"]!.GetValue<string>());
        Assert.InRange(int.Parse(Header(refused, "retry-after"), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }
}
