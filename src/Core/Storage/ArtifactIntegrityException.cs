namespace TuningService.Core.Storage;

/// <summary>
/// A stored object's bytes do not match the sha256 recorded when it was stored, or it has none to check against: the
/// object was changed or written outside the store. Rewriting it through <see cref="IArtifactStore.PutAsync"/> (or
/// re-running whatever produced it) is the fix; retrying the read is not.
/// </summary>
public sealed class ArtifactIntegrityException : Exception
{
    public ArtifactIntegrityException(string key, string where, string? expectedSha256, string actualSha256)
        : base(expectedSha256 is null
            ? $"Artifact '{key}' in {where} has no recorded sha256 (written outside the artifact store?), so its bytes (sha256 {actualSha256}) cannot be checked; store it again through the artifact store."
            : $"Artifact '{key}' in {where} is corrupt: its bytes have sha256 {actualSha256} but {expectedSha256} was recorded when it was stored; store it again.")
    {
        Key = key;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    public string Key { get; }
    public string? ExpectedSha256 { get; }
    public string ActualSha256 { get; }
}
