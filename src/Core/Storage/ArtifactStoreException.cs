namespace TuningService.Core.Storage;

/// <summary>
/// The storage itself failed (S3 endpoint unreachable, refused, erroring): the message names the operation, the key,
/// the bucket and endpoint; the cause is the inner exception. <see cref="ArtifactStoreErrors.IsTransient"/> says
/// whether a retry may help.
/// </summary>
public sealed class ArtifactStoreException(string message, Exception inner) : Exception(message, inner);
