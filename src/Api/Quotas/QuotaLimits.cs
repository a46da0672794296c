namespace TuningService.Api.Quotas;

/// <summary>The quotas that apply to one owner, defaults and overrides resolved.</summary>
public sealed record QuotaLimits(int MaxActiveJobs, int MaxQueuedJobs, long MaxStoredBytes);
