using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Webhooks;

/// <summary>Registering endpoints: the secret shown once, owners kept apart, targets on non-public addresses refused.</summary>
public sealed class WebhookEndpointsTests : IDisposable
{
    const string PublicTarget = "http://93.184.216.34/hooks"; // an address literal: no DNS needed, nothing is ever sent there

    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false",
        ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice",
        ["Tuning:ApiKeys:1:Key"] = "key-bob", ["Tuning:ApiKeys:1:Owner"] = "bob",
    });

    public void Dispose() => factory.Dispose();

    ApiClient As(string key)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ApiClient(http);
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_another_owner_cannot_see_or_touch_the_endpoint()
    {
        var alice = As("key-alice");
        var created = await ApiClient.JsonAsync(await alice.Http.PostAsJsonAsync("/v1/webhook_endpoints",
            new { url = PublicTarget, event_types = new[] { "fine_tuning.job.succeeded", "fine_tuning.job.failed" } }));
        var id = created["id"]!.GetValue<string>();
        Assert.StartsWith("we_", id);
        Assert.Equal("webhook_endpoint", created["object"]!.GetValue<string>());
        var secret = created["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal(["fine_tuning.job.succeeded", "fine_tuning.job.failed"], created["event_types"]!.AsArray().Select(t => t!.GetValue<string>()));

        // Never again: not in the list, not in the endpoint, not anywhere in either answer.
        var listed = await alice.Http.GetStringAsync("/v1/webhook_endpoints");
        var one = await alice.Http.GetStringAsync($"/v1/webhook_endpoints/{id}");
        Assert.Contains(id, listed);
        Assert.Contains(PublicTarget, one);
        Assert.DoesNotContain(secret["whsec_".Length..], listed);
        Assert.DoesNotContain(secret["whsec_".Length..], one);
        Assert.DoesNotContain("secret", listed);

        var bob = As("key-bob");
        Assert.Empty((await bob.GetJsonAsync("/v1/webhook_endpoints"))["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/v1/webhook_endpoints/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/v1/webhook_endpoints/{id}/deliveries")).StatusCode);
        var bobDelete = await bob.Http.DeleteAsync($"/v1/webhook_endpoints/{id}");
        Assert.Equal(HttpStatusCode.NotFound, bobDelete.StatusCode);
        Assert.Equal("not_found", (await ApiClient.JsonAsync(bobDelete))["error"]!["code"]!.GetValue<string>());

        Assert.Empty((await alice.GetJsonAsync($"/v1/webhook_endpoints/{id}/deliveries"))["data"]!.AsArray());
        var deleted = await ApiClient.JsonAsync(await alice.Http.DeleteAsync($"/v1/webhook_endpoints/{id}"));
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync($"/v1/webhook_endpoints/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://localhost/hooks")] // a name that resolves to loopback
    [InlineData("http://[::1]/hooks")]
    [InlineData("http://10.1.2.3/hooks")]
    [InlineData("http://172.20.0.5/hooks")]
    [InlineData("http://192.168.1.10/hooks")]
    [InlineData("http://100.64.0.1/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://0.0.0.0/hooks")]
    [InlineData("https://[fd00::1]/hooks")]
    [InlineData("https://[fe80::1]/hooks")]
    [InlineData("http://[::ffff:127.0.0.1]/hooks")] // IPv4 inside IPv6
    [InlineData("http://[64:ff9b::a00:1]/hooks")] // NAT64 of 10.0.0.1
    public async Task A_target_on_a_loopback_private_or_link_local_address_is_refused_without_the_setting(string url)
    {
        var response = await As("key-alice").Http.PostAsJsonAsync("/v1/webhook_endpoints", new { url });
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_webhook_url", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal("url", body["error"]!["param"]!.GetValue<string>());
        Assert.Contains("Tuning:Webhooks:AllowPrivateTargets", body["error"]!["message"]!.GetValue<string>());
        Assert.Empty((await As("key-alice").GetJsonAsync("/v1/webhook_endpoints"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("http://93.184.216.34/hooks")]
    [InlineData("https://[2606:4700:4700::1111]/hooks")]
    public async Task A_target_on_a_public_address_is_accepted(string url)
    {
        var response = await As("key-alice").Http.PostAsJsonAsync("/v1/webhook_endpoints", new { url });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("ftp://93.184.216.34/hooks", null, "url")]
    [InlineData("hooks", null, "url")]
    [InlineData("http://user:pw@93.184.216.34/hooks", null, "url")]
    [InlineData(PublicTarget, "fine_tuning.job.finished", "event_types")]
    public async Task A_bad_url_or_an_unknown_event_type_is_a_400_that_names_it(string url, string? eventType, string param)
    {
        var response = await As("key-alice").Http.PostAsJsonAsync("/v1/webhook_endpoints",
            new { url, event_types = eventType is null ? null : new[] { eventType } });
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
        if (eventType is not null) Assert.Contains("fine_tuning.job.checkpoint.created", body["error"]!["message"]!.GetValue<string>());
    }
}
