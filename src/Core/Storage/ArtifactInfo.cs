namespace TuningService.Core.Storage;

/// <summary>
/// A stored object: its key, size and the sha256 recorded when it was stored (lower-case hex), null for an object
/// that something other than an <see cref="IArtifactStore"/> wrote.
/// </summary>
public sealed record ArtifactInfo(string Key, long Size, string? Sha256);
