namespace TuningService.Core.FineTuning;

/// <summary>Hands a job id to whatever executes jobs (Hangfire). It carries nothing but the id.</summary>
public interface IJobDispatcher
{
    /// <summary>Queues the job for a worker; returns the queue's id for this dispatch.</summary>
    string Dispatch(string jobId);

    /// <summary>Whether that dispatch is still waiting for a worker (queued, scheduled); false when it ran, failed, vanished or is unknown.</summary>
    bool IsWaiting(string dispatchId);
}
