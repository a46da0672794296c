using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Monitoring;

/// <summary>
/// Jobs by status and the Hangfire queues' depth, read from the database when /metrics is scraped: one grouped
/// count and one queue listing, at most every <see cref="MinInterval"/> and bounded by <see cref="QueryTimeout"/>,
/// so a scrape stays cheap however many jobs there are. On the API only (the database is shared: a worker would
/// report the same numbers again). A failed read keeps the last values and says so in <c>tuning_job_gauges_stale</c>.
/// </summary>
public sealed class JobGauges(IServiceScopeFactory scopes, ILogger<JobGauges> logger)
{
    static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(5);
    static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    static readonly string[] Statuses =
    [
        JobStatus.ValidatingFiles, JobStatus.Queued, JobStatus.Running, JobStatus.Paused,
        JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled,
    ];

    static readonly Gauge Jobs = Metrics.CreateGauge("tuning_jobs", "Fine-tuning jobs by status.", "status");
    static readonly Gauge QueueDepth = Metrics.CreateGauge("tuning_queue_depth",
        "Work items waiting in each Hangfire queue (default: fine-tuning jobs; imports; maintenance).", "queue");
    static readonly Gauge Stale = Metrics.CreateGauge("tuning_job_gauges_stale",
        "1 when the last read of tuning_jobs and tuning_queue_depth from the database failed (the values are older).");

    readonly SemaphoreSlim refreshing = new(1, 1);
    DateTime lastRefresh = DateTime.MinValue;

    public async Task RefreshAsync(CancellationToken ct)
    {
        if (DateTime.UtcNow - lastRefresh < MinInterval) return;
        await refreshing.WaitAsync(ct);
        try
        {
            if (DateTime.UtcNow - lastRefresh < MinInterval) return;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(QueryTimeout);
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
            var counts = await db.Jobs.GroupBy(j => j.Status).Select(g => new { Status = g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Status, g => g.Count, deadline.Token);
            foreach (var status in Statuses) Jobs.WithLabels(status).Set(counts.GetValueOrDefault(status));
            var monitoring = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi();
            foreach (var queue in monitoring.Queues()) QueueDepth.WithLabels(queue.Name).Set(queue.Length);
            Stale.Set(0);
            lastRefresh = DateTime.UtcNow;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Stale.Set(1);
            logger.LogWarning("Could not read the job counts for /metrics: {Error}", e.Message);
        }
        finally
        {
            refreshing.Release();
        }
    }
}
