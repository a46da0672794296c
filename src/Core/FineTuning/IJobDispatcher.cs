namespace TuningService.Core.FineTuning;

/// <summary>Hands a job id to whatever executes jobs (Hangfire). It carries nothing but the id.</summary>
public interface IJobDispatcher
{
    void Dispatch(string jobId);
}
