using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Security;

/// <summary>
/// Secure by default: with no API keys the real API program serves anonymous callers on loopback only. Configured to
/// listen on another interface it refuses to start, with one line that says what to do; with Tuning:AllowAnonymous it
/// listens as configured and says loudly that it is open. Run in embedded mode (no database matters here).
/// </summary>
public sealed class AnonymousAccessTests : IDisposable
{
    static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    readonly string dataDir = Directory.CreateTempSubdirectory("tuning-anonymous-").FullName;

    public void Dispose() => Directory.Delete(dataDir, recursive: true);

    ApiProcess Start(string urls, Dictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? []) { ["ASPNETCORE_URLS"] = urls };
        // An empty connection string: embedded SQLite in the data directory.
        return new ApiProcess("", dataDir, environment);
    }

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://+:{0}")] // as the container images listen (ASPNETCORE_HTTP_PORTS=8080)
    public async Task Without_keys_a_non_loopback_address_ends_the_process_with_one_line_saying_what_to_do(string urls)
    {
        var port = LoopbackPort.Free();
        using var api = Start(string.Format(urls, port));

        Assert.True(await api.WaitForExitAsync(StartDeadline), $"Still running:\n{api.Output}");
        Assert.NotEqual(0, api.ExitCode);
        var lines = api.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, line => line.Contains("   at "));
        var failure = Assert.Single(lines, line => line.Contains("No API keys are configured"));
        Assert.StartsWith("fail: TuningService.Api could not start:", failure);
        Assert.Contains($":{port}", failure);
        Assert.Contains("Tuning__AllowAnonymous=true", failure);
        Assert.Contains("Tuning__ApiKeys__0__Key", failure);
    }

    [Fact]
    public async Task Without_keys_on_localhost_it_starts_and_serves_the_local_user()
    {
        var port = LoopbackPort.Free();
        using var api = Start($"http://localhost:{port}");
        using var http = await WaitUntilHealthyAsync(api, port);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models")).StatusCode);
        Assert.Contains("Security: no API keys (Tuning:ApiKeys): anonymous callers are the admin 'local', served on loopback only.", api.Output);
    }

    [Fact]
    public async Task With_AllowAnonymous_it_listens_on_every_interface_and_warns_at_start_up()
    {
        var port = LoopbackPort.Free();
        using var api = Start($"http://0.0.0.0:{port}", new() { ["Tuning__AllowAnonymous"] = "true" });
        using var http = await WaitUntilHealthyAsync(api, port);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models")).StatusCode);
        Assert.Contains($"Now listening on: http://0.0.0.0:{port}", api.Output);
        Assert.Contains("Security: NO API KEYS and Tuning:AllowAnonymous=true: ANYONE WHO CAN REACH THIS SERVICE, on any interface", api.Output);
        // Through an address of this machine other than loopback, where it has one, as another machine would call it.
        if (NonLoopbackAddress() is { } address)
        {
            using var remote = new HttpClient { BaseAddress = new Uri($"http://{address}:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal(HttpStatusCode.OK, (await remote.GetAsync("/v1/models")).StatusCode);
        }
    }

    /// <summary>The per-request rule behind the start-up check: a keyless request from another machine gets 403.</summary>
    [Theory]
    [InlineData(null, "203.0.113.7", HttpStatusCode.Forbidden)]
    [InlineData(null, "127.0.0.1", HttpStatusCode.OK)]
    [InlineData(null, "::ffff:127.0.0.1", HttpStatusCode.OK)]
    [InlineData(null, "::1", HttpStatusCode.OK)]
    [InlineData("true", "203.0.113.7", HttpStatusCode.OK)]
    public async Task Without_keys_only_local_callers_are_served_unless_anonymous_access_is_allowed(string? allowAnonymous, string remote, HttpStatusCode expected)
    {
        var settings = new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" };
        if (allowAnonymous is not null) settings["Tuning:AllowAnonymous"] = allowAnonymous;
        using var factory = new TuningApiFactory(settings: settings);
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/v1/models";
            c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        });

        Assert.Equal((int)expected, context.Response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
            Assert.Contains("\"code\":\"anonymous_access_disabled\"", body);
            Assert.Contains("Tuning:AllowAnonymous", body);
        }
    }

    static async Task<HttpClient> WaitUntilHealthyAsync(ApiProcess api, int port)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + StartDeadline;
        while (DateTime.UtcNow < deadline && !api.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return http;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        http.Dispose();
        Assert.Fail($"The API did not become healthy on port {port}:\n{api.Output}");
        return null!;
    }

    static IPAddress? NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
