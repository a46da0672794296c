namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>
/// A committed checkpoint folder (<c>jobs/{jobId}/step-{N}</c> with a manifest). <see cref="Manifest"/> is null when
/// the manifest is there but cannot be read: such a checkpoint is still listed, so that
/// <see cref="CheckpointStore.FindNewestVerified(string, Func{StoredCheckpoint, bool}?)"/> can say it was passed over and why.
/// </summary>
public sealed record StoredCheckpoint(string JobId, int Step, string RelativePath, string FullPath, CheckpointManifest? Manifest)
{
    /// <summary>Whether the manifest names <paramref name="relativePath"/> ('/' separated), e.g. as a usability test
    /// for a resume: <c>c =&gt; c.Contains("training_state/trainer_state.json")</c>. Reads no data.</summary>
    public bool Contains(string relativePath) => Manifest?.Find(relativePath) is not null;
}
