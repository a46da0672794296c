using System.Diagnostics;

namespace TuningService.Bench.ApiLoadBench;

/// <summary>
/// An open-loop load generator: request i is due at start + i / rate, whether or not earlier ones have been answered,
/// and its latency is measured from that due time, not from when it was actually sent. A server that stalls therefore
/// shows the whole stall in every request that should have been sent meanwhile, instead of the generator quietly
/// sending less (the "coordinated omission" of closed-loop tools such as wrk 4, whose clients wait for each answer;
/// wrk2's -R rate works like this class, but Debian ships only wrk 4.1).
/// Bounded: a fixed number of requests (rate × duration), at most <see cref="MaxConnections"/> connections (requests
/// beyond them wait for a free connection, and that wait counts in their latency), and a timeout per request.
/// </summary>
public sealed class FixedRateLoad(Uri baseAddress)
{
    public const int MaxConnections = 64;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public async Task<LoadResult> RunAsync(string path, int rate, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = MaxConnections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout };
        var uri = new Uri(path, UriKind.Relative);
        var count = (int)Math.Round(rate * duration.TotalSeconds);
        var latencyMs = new double[count];
        var sendLagMs = new double[count];
        var failed = new bool[count];
        var requests = new Task[count];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            // Sleep in ~1 ms slices rather than spin: the generator shares the machine's cores with the server. A late
            // wake-up sends the overdue requests at once, and their lateness counts in their latency.
            while (Stopwatch.GetTimestamp() < due) await Task.Delay(1);
            requests[i] = SendAsync(client, uri, i, due, latencyMs, sendLagMs, failed);
        }
        await Task.WhenAll(requests);
        var wall = Stopwatch.GetElapsedTime(start);
        return new LoadResult(path, rate, count, wall, latencyMs, sendLagMs, failed.Count(f => f));
    }

    private static async Task SendAsync(HttpClient client, Uri uri, int i, long due, double[] latencyMs, double[] sendLagMs, bool[] failed)
    {
        sendLagMs[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
        try
        {
            using var response = await client.GetAsync(uri); // reads the whole body
            failed[i] = !response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            failed[i] = true; // refused, reset or timed out: counted, with the time it took
        }
        latencyMs[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
    }
}
