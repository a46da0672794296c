namespace TuningService.Core.FineTuning;

/// <summary>
/// This worker no longer holds the job: another worker claimed it after the lease lapsed, or the API took it over
/// (a direct cancel). The worker stops and writes nothing more for the job.
/// </summary>
public sealed class LeaseLostException(string jobId, long generation)
    : Exception($"The lease on job {jobId} (generation {generation}) was lost: another worker or the API took the job over.");
