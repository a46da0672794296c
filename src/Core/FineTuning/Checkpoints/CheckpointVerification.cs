namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>The outcome of checking a checkpoint's files against its manifest; <see cref="Problem"/> says, for a
/// person, what is wrong (which file, what size or hash was found and what the manifest says).</summary>
public sealed record CheckpointVerification(bool IsIntact, string? Problem)
{
    public static CheckpointVerification Intact { get; } = new(true, null);

    public static CheckpointVerification Damaged(string problem) => new(false, problem);
}
