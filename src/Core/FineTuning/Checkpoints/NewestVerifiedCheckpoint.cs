namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>
/// The newest checkpoint that verified and was usable (null when none was), and every newer one that was passed
/// over, newest first, with the reason — so a resume can say "step 8's checkpoint is damaged (...); resuming from step 4".
/// </summary>
public sealed record NewestVerifiedCheckpoint(StoredCheckpoint? Checkpoint, IReadOnlyList<RejectedCheckpoint> Rejected);
