using System.Threading.RateLimiting;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;

namespace TuningService.Api.Files;

/// <summary>
/// Bounds the dataset operations that read a whole file (stats, clean, split, and a preview whose template takes
/// {options} from the file's labels): <see cref="TuningOptions.DatasetOperationSlots"/> run at once, up to
/// <see cref="TuningOptions.MaxQueuedDatasetOperations"/> wait, oldest first, and anything beyond is answered 429.
/// </summary>
/// <remarks>
/// Waiting rather than refusing at once: a person who starts a clean and a split together should get both without
/// retry logic, and a waiting request costs a parked task, no thread and none of the file. Past the queue a 429
/// tells the caller to come back, so a burst cannot pile up without end.
/// Each operation runs on a thread of its own (<see cref="TaskCreationOptions.LongRunning"/>): it reads, tokenizes and
/// hashes synchronously for seconds to minutes, and on the thread pool it would hold threads that every other
/// request (health probes among them) needs, while the pool adds threads only about once a second.
/// The limiter is System.Threading.RateLimiting's <see cref="ConcurrencyLimiter"/>, the one ASP.NET Core's rate
/// limiting is built on: its queue honours cancellation (a caller who hangs up leaves the queue) and its order.
/// </remarks>
public sealed class DatasetOperationGate(TuningOptions options) : IDisposable
{
    readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.DatasetOperationSlots,
        QueueLimit = options.MaxQueuedDatasetOperations,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Runs <paramref name="work"/> on a thread of its own once a slot is free.</summary>
    /// <exception cref="ApiException">429 rate_limit_exceeded when the queue is full.</exception>
    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var lease = await limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired)
            throw new ApiException(429, $"Too many dataset operations are running or waiting ({options.DatasetOperationSlots} at once, " +
                $"{options.MaxQueuedDatasetOperations} waiting); retry in a minute.", null, "rate_limit_exceeded", "requests");
        return await Task.Factory.StartNew(() => work(ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose() => limiter.Dispose();
}
