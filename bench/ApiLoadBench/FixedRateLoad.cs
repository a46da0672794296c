using System.Buffers;
using System.Diagnostics;

namespace TuningService.Bench.ApiLoadBench;

/// <summary>
/// An open-loop load generator: request i is due at start + i / rate, whether or not earlier ones have been answered,
/// and its latency is measured from that due time, not from when it was actually sent. A server that stalls therefore
/// shows the whole stall in every request that should have been sent meanwhile, instead of the generator quietly
/// sending less (the "coordinated omission" of closed-loop tools such as wrk 4, whose clients wait for each answer;
/// wrk2's -R rate works like this class, but Debian ships only wrk 4.1).
/// Bounded: a fixed number of requests (rate × duration), at most <see cref="MaxConnections"/> keep-alive connections
/// (requests beyond them wait for a free connection, and that wait counts in their latency), and a request that has not
/// been answered, body included, within <see cref="RequestTimeout"/> of its due time counts as failed.
/// </summary>
/// <remarks>
/// It shares the machine's cores with the API it measures, so it is built to cost little CPU per request (measured
/// by bench/ApiLoadBench's cost line), without measuring less than a real client would see: one thread sends each
/// request at its due time after a single precise sleep (<see cref="MonotonicSleep"/>); the body is read to its end
/// into a pooled buffer rather than a new array per response; one cancellation per run bounds the requests instead of
/// a timer per request. The project turns off the thread pool's idle spinning (ApiLoadBench.csproj).
/// </remarks>
public sealed class FixedRateLoad(Uri baseAddress)
{
    public const int MaxConnections = 64;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public async Task<LoadResult> RunAsync(string path, int rate, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = MaxConnections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var uri = new Uri(path, UriKind.Relative);
        var count = (int)Math.Round(rate * duration.TotalSeconds);
        var latencyMs = new double[count];
        var sendLagMs = new double[count];
        var failed = new bool[count];
        var requests = new Task[count];
        // Every request is due by the end of the duration; none may run past its due time + the timeout.
        using var giveUp = new CancellationTokenSource(duration + RequestTimeout);
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        new Thread(() =>
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
                    MonotonicSleep.Until(due); // returns at once when the generator is behind: overdue requests go out together
                    requests[i] = SendAsync(client, uri, i, due, latencyMs, sendLagMs, failed, giveUp.Token);
                }
                allSent.SetResult();
            }
            catch (Exception e)
            {
                allSent.SetException(e);
            }
        }) { Name = "FixedRateLoad sender", IsBackground = true }.Start();
        await allSent.Task;
        await Task.WhenAll(requests);
        var wall = Stopwatch.GetElapsedTime(start);
        return new LoadResult(path, rate, count, wall, latencyMs, sendLagMs, failed.Count(f => f));
    }

    private static async Task SendAsync(HttpClient client, Uri uri, int i, long due, double[] latencyMs, double[] sendLagMs, bool[] failed,
        CancellationToken giveUp)
    {
        sendLagMs[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, giveUp);
            await using var body = await response.Content.ReadAsStreamAsync(giveUp);
            while (await body.ReadAsync(buffer, giveUp) > 0)
            {
                // the whole body is read before the clock stops, as a client that uses the answer must
            }
            failed[i] = !response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            failed[i] = true; // refused, reset or given up on: counted, with the time it took
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        latencyMs[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
        if (latencyMs[i] > RequestTimeout.TotalMilliseconds) failed[i] = true;
    }
}
