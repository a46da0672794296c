using Hangfire;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;

namespace TuningService.Worker.Hosting;

/// <summary>
/// The reconciler (<see cref="JobReconciler"/>) as a Hangfire recurring job on a queue of its own, so it never waits
/// behind training; Hangfire's distributed lock runs it once at a time across the cluster.
/// </summary>
public sealed class ReconcileJobs(JobReconciler reconciler)
{
    public const string RecurringJobId = "reconcile-fine-tuning-jobs";
    public const string Queue = "maintenance";

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(CancellationToken ct) => reconciler.ReconcileAsync(ct);

    /// <summary>Creates or updates the schedule (idempotent: every process may call it at start-up).</summary>
    public static void Schedule(IServiceProvider services, TuningOptions options)
    {
        var manager = (IRecurringJobManager)services.GetService(typeof(IRecurringJobManager))!;
        manager.AddOrUpdate<ReconcileJobs>(RecurringJobId, Queue, job => job.RunAsync(CancellationToken.None), options.ReconcileCron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
    }
}
