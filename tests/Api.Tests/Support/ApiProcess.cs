using System.Net;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// src/Api as a separate OS process on a free loopback port, pointed at the given database and data directory,
/// with no worker inside it. What the in-process <see cref="TuningApiFactory"/> cannot show: how the real program
/// starts and exits.
/// </summary>
public sealed class ApiProcess : ServiceProcess
{
    public Uri BaseAddress { get; }

    public ApiProcess(string postgresConnectionString, string dataDir, IReadOnlyDictionary<string, string>? environment = null)
        : this(postgresConnectionString, dataDir, LoopbackPort.Free(), environment)
    {
    }

    ApiProcess(string postgresConnectionString, string dataDir, int port, IReadOnlyDictionary<string, string>? environment)
        : base("Api", "TuningService.Api", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgresConnectionString,
            ["Tuning__DataDir"] = dataDir,
            ["Tuning__RunWorkerInProcess"] = "false",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        }, environment)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>The status of GET /healthz once the API answers, or null if it did not within <paramref name="timeout"/> or exited.</summary>
    public async Task<HttpStatusCode?> WaitForHealthAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !HasExited)
        {
            try
            {
                return (await http.GetAsync("/healthz")).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250); // not listening yet
            }
            catch (TaskCanceledException)
            {
            }
        }
        return null;
    }
}
