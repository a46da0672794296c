namespace TuningService.Core.FineTuning;

/// <summary>OpenAI's fine-tuning job states: validating_files → queued → running → succeeded | failed | cancelled, and paused.</summary>
public static class JobStatus
{
    public const string ValidatingFiles = "validating_files";
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Stopped at a checkpoint by POST .../pause; POST .../resume continues it. Not in OpenAI's enum, but in its API.</summary>
    public const string Paused = "paused";

    public static bool IsTerminal(string status) => status is Succeeded or Failed or Cancelled;
}
