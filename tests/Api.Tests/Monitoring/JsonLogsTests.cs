using System.Net;
using System.Net.Http.Headers;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Monitoring;

/// <summary>
/// The real API process with JSON console logs at the most detailed level: every line is JSON, a request's lines
/// carry its x-request-id, and no API key (right or wrong) appears in any line.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JsonLogsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Every_line_is_json_a_requests_lines_carry_its_id_and_no_key_is_logged()
    {
        var admin = $"sk-admin-{Guid.NewGuid():N}";
        var user = $"sk-user-{Guid.NewGuid():N}";
        var wrong = $"sk-wrong-{Guid.NewGuid():N}";
        var dataDir = Directory.CreateTempSubdirectory("tuning-jsonlogs-").FullName;
        using var api = new ApiProcess(postgres.CreateDatabase(), dataDir, new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Trace",
            ["Tuning__ApiKeys__0__Key"] = admin, ["Tuning__ApiKeys__0__Owner"] = "ops", ["Tuning__ApiKeys__0__Admin"] = "true",
            ["Tuning__ApiKeys__1__Key"] = user, ["Tuning__ApiKeys__1__Owner"] = "alice",
        });
        try
        {
            Assert.Equal(HttpStatusCode.OK, await api.WaitForHealthAsync(TimeSpan.FromMinutes(2)));
            using var http = new HttpClient { BaseAddress = api.BaseAddress };

            async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string key, string requestId, HttpContent? content = null)
            {
                using var request = new HttpRequestMessage(method, path) { Content = content };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                request.Headers.Add("X-Request-Id", requestId);
                using var response = await http.SendAsync(request);
                Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("x-request-id")));
                return response.StatusCode;
            }

            Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/v1/models", admin, "logs-models"));
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"))), "file", "valid.jsonl");
            form.Add(new StringContent("fine-tune"), "purpose");
            Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, "/v1/files", user, "logs-upload", form));
            Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/v1/files", user, "logs-list"));
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Get, "/v1/files", wrong, "logs-wrong-key"));
            Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, "/v1/fine_tuning/jobs/ftjob-missing", user, "logs-missing"));
            Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/hangfire", admin, "logs-dashboard"));
        }
        finally
        {
            api.Terminate();
            Assert.True(await api.WaitForExitAsync(TimeSpan.FromMinutes(1)), "the API did not stop on SIGTERM");
            Directory.Delete(dataDir, recursive: true);
        }

        var log = new JsonLogLines(api.Output);
        Assert.All(log.Lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", l.Json["Timestamp"]?.ToString() ?? ""));
        foreach (var key in new[] { admin, user, wrong })
            Assert.DoesNotContain(log.Lines, l => l.Raw.Contains(key, StringComparison.Ordinal));
        foreach (var requestId in new[] { "logs-models", "logs-upload", "logs-list", "logs-wrong-key", "logs-missing", "logs-dashboard" })
        {
            var lines = log.Lines.Where(l => JsonLogLines.Scope(l.Json, "RequestId") == requestId).ToList();
            // The host's own "Request starting" and "Request finished", and what the request did in between.
            Assert.Contains(lines, l => JsonLogLines.Message(l.Json).StartsWith("Request starting", StringComparison.Ordinal));
            Assert.Contains(lines, l => JsonLogLines.Message(l.Json).StartsWith("Request finished", StringComparison.Ordinal));
        }
        // Every line logged inside a request (the host's scope gives its path) names the request's id: the caller's, or
        // a generated req_ one (the health polls), never the server's connection counter.
        var inRequests = log.Lines.Where(l => JsonLogLines.Scope(l.Json, "RequestPath") is not null).ToList();
        Assert.NotEmpty(inRequests);
        Assert.All(inRequests, l => Assert.Matches("^(logs-.*|req_[0-9a-f]{32})$", JsonLogLines.Scope(l.Json, "RequestId") ?? ""));
    }
}
