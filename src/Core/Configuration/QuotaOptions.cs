namespace TuningService.Core.Configuration;

/// <summary>
/// `Tuning:Quotas`: what one owner may hold at once. The owner's keys may raise or lower each
/// (<see cref="ApiKeyOptions"/>: MaxActiveJobs, MaxQueuedJobs, MaxStoredBytes).
/// </summary>
public sealed class QuotaOptions
{
    /// <summary>Fine-tuning jobs not yet finished (validating_files, queued, running or paused), as OpenAI counts active jobs.</summary>
    public int MaxActiveJobs { get; set; } = 20;

    /// <summary>Jobs waiting for a worker (validating_files or queued), so one owner's backlog cannot fill every worker's queue.</summary>
    public int MaxQueuedJobs { get; set; } = 10;

    /// <summary>
    /// Bytes of files the owner stores: uploads, cleaned and split files and jobs' result files (the sizes the files
    /// table records). Checkpoints and fine-tuned models are not counted: their sizes are not recorded per owner.
    /// 50 GiB: a hundred of the largest uploads (Tuning:MaxUploadBytes, 512 MiB).
    /// </summary>
    public long MaxStoredBytes { get; set; } = 50L * 1024 * 1024 * 1024;
}
