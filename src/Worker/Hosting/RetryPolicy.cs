using Hangfire;

namespace TuningService.Worker.Hosting;

/// <summary>
/// The runner records failures on the job itself, so Hangfire retries only help with transient infrastructure
/// errors (the runner is safe to run again): two retries instead of ten. Hangfire keeps filters in a process-wide
/// collection, so the filter is installed once even when several hosts are built in one process (tests).
/// </summary>
public static class RetryPolicy
{
    static readonly Lock Gate = new();
    static bool applied;

    public static void ApplyOnce()
    {
        lock (Gate)
        {
            if (applied) return;
            GlobalJobFilters.Filters.Remove(typeof(AutomaticRetryAttribute));
            GlobalJobFilters.Filters.Add(new AutomaticRetryAttribute { Attempts = 2 });
            applied = true;
        }
    }
}
