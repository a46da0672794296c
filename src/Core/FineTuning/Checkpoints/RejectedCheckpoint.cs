namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>A checkpoint newer than the one chosen, and why it was passed over: <see cref="IsDamaged"/> when its files
/// do not match its manifest (<see cref="Reason"/> names the file), otherwise the caller's reason it is not usable.</summary>
public sealed record RejectedCheckpoint(StoredCheckpoint Checkpoint, string Reason, bool IsDamaged)
{
    /// <summary>Lets a caller take it apart as the pair it logs: <c>foreach (var (checkpoint, reason) in found.Rejected)</c>.</summary>
    public void Deconstruct(out StoredCheckpoint checkpoint, out string reason) => (checkpoint, reason) = (Checkpoint, Reason);
}
