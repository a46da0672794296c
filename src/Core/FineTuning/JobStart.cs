using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>A job as its worker starts on it: the row, the checkpoint it continues from (if any) and the earlier checkpoints still kept.</summary>
public sealed record JobStart(FineTuningJob Job, JobCheckpoint? Resume, IReadOnlyList<JobCheckpoint> Kept);
