namespace TuningService.Core.Configuration;

/// <summary>One API key. Files, jobs and fine-tuned models belong to <see cref="Owner"/>.</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; set; } = "";
    public string Owner { get; set; } = "";
    public bool Admin { get; set; }

    /// <summary>This key's request rate; null: Tuning:RateLimits:RequestsPerMinute.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>The owner's active-job quota; null: Tuning:Quotas:MaxActiveJobs. Where an owner's keys disagree, the largest applies.</summary>
    public int? MaxActiveJobs { get; set; }

    /// <summary>The owner's queued-job quota; null: Tuning:Quotas:MaxQueuedJobs. Where an owner's keys disagree, the largest applies.</summary>
    public int? MaxQueuedJobs { get; set; }

    /// <summary>The owner's stored-bytes quota; null: Tuning:Quotas:MaxStoredBytes. Where an owner's keys disagree, the largest applies.</summary>
    public long? MaxStoredBytes { get; set; }
}
