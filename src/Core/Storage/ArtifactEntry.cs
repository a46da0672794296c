namespace TuningService.Core.Storage;

/// <summary>
/// One object of a listing. No sha256: S3 listings do not carry user metadata, and fetching it would cost a request
/// per object; <see cref="IArtifactStore.HeadAsync"/> has it.
/// </summary>
public sealed record ArtifactEntry(string Key, long Size);
