using Microsoft.Extensions.Logging;
using TuningService.Core.Observability;

namespace TuningService.Core.Persistence;

/// <summary>
/// Retries an operation through transient database errors (see <see cref="TransientDatabaseErrors"/>) with
/// capped exponential backoff, for at most <see cref="Tolerance"/> of continuous failure. Past that it throws
/// <see cref="DatabaseOutageException"/>; any other error is thrown at once.
/// </summary>
public sealed class DatabaseRetry(TimeSpan tolerance, ILogger logger)
{
    static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public TimeSpan Tolerance { get; } = tolerance;

    /// <summary>Called with each retry (the error and how long the outage has lasted); for events and metrics.</summary>
    public event Action<Exception, TimeSpan>? Retrying;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken ct)
    {
        DateTime? failingSince = null;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return await operation(ct);
            }
            catch (Exception e) when (TransientDatabaseErrors.IsTransient(e) && !ct.IsCancellationRequested)
            {
                failingSince ??= DateTime.UtcNow;
                var outage = DateTime.UtcNow - failingSince.Value;
                if (outage >= Tolerance)
                    throw new DatabaseOutageException(
                        $"The database has been unreachable for {outage.TotalSeconds:F0} s (tolerance {Tolerance.TotalSeconds:F0} s): {e.Message}", e);
                logger.LogWarning("Database unavailable for {Seconds:F1} s ({Error}); retrying in {Delay:F1} s",
                    outage.TotalSeconds, e.Message, delay.TotalSeconds);
                TuningMetrics.DatabaseRetries.Add(1);
                Retrying?.Invoke(e, outage);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken ct) =>
        RunAsync(async c => { await operation(c); return true; }, ct);
}
