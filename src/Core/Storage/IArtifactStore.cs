namespace TuningService.Core.Storage;

/// <summary>
/// Where the service keeps its artifacts (uploaded files, checkpoints, models): a local folder or an S3-compatible
/// bucket, chosen by <c>Tuning:Storage:Kind</c>. A key is a '/'-separated relative path such as <c>files/file-abc</c> or
/// <c>jobs/ftjob-x/step-4/model.safetensors</c>. A folder prefix names a folder: <c>jobs/ftjob-1</c> and
/// <c>jobs/ftjob-1/</c> both mean everything under <c>jobs/ftjob-1/</c>, never <c>jobs/ftjob-10/</c>; "" means everything.
/// Every object written here carries its sha256, so a copy can be checked against what was stored.
/// Failures of the storage itself are <see cref="ArtifactStoreException"/>s; <see cref="ArtifactStoreErrors.IsTransient"/>
/// tells the ones worth retrying (endpoint down, 5xx, time-outs) from the ones that will fail again.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Where this store keeps things, for log lines and messages (a folder, or <c>s3://bucket/prefix at URL</c>).</summary>
    string Description { get; }

    /// <summary>
    /// Checks, at start-up, that the storage can be reached, exists and accepts this process's writes; throws a
    /// <see cref="Configuration.StartupException"/> that names the endpoint or folder and what to fix.
    /// </summary>
    Task ValidateAsync(CancellationToken ct = default);

    /// <summary>
    /// Stores <paramref name="content"/> (read from its current position to its end) under <paramref name="key"/>,
    /// replacing any object there. Readers see the old object or the new one, never a partial one; a failed or
    /// cancelled put leaves nothing behind.
    /// </summary>
    /// <returns>The stored object, with the sha256 of the bytes read.</returns>
    Task<ArtifactInfo> PutAsync(string key, Stream content, CancellationToken ct = default);

    /// <summary>
    /// Starts storing an object whose bytes the caller writes as they arrive (an upload read while it is validated),
    /// without knowing its size or sha256 in advance. Nothing is visible under <paramref name="key"/> until
    /// <see cref="ArtifactUpload.CompleteAsync"/>; an upload aborted or disposed uncompleted leaves nothing behind.
    /// </summary>
    Task<ArtifactUpload> BeginUploadAsync(string key, CancellationToken ct = default);

    /// <summary>The whole object, streamed. Throws <see cref="ArtifactNotFoundException"/> when there is none.</summary>
    Task<ArtifactReadStream> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="length"/> bytes from <paramref name="offset"/>: fewer when the object ends first, none when
    /// <paramref name="offset"/> is its size. An offset past the end is an <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    Task<ArtifactReadStream> OpenReadAsync(string key, long offset, long length, CancellationToken ct = default);

    /// <summary>The object's size and recorded sha256, or null when there is no object under <paramref name="key"/>.</summary>
    Task<ArtifactInfo?> HeadAsync(string key, CancellationToken ct = default);

    /// <summary>Every object under a folder prefix, all levels down, in ordinal key order.</summary>
    IAsyncEnumerable<ArtifactEntry> ListAsync(string folderPrefix, CancellationToken ct = default);

    /// <summary>Removes the object under <paramref name="key"/>; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>Removes every object under a folder prefix ("" is refused: it would be everything); returns how many.</summary>
    Task<int> DeletePrefixAsync(string folderPrefix, CancellationToken ct = default);

    /// <summary>
    /// Downloads every object under a folder prefix into <paramref name="localFolder"/> (created if needed), keeping
    /// the layout below the prefix, and checks each file's sha256 against the one recorded when it was stored: a
    /// difference, or no recorded sha256, is an <see cref="ArtifactIntegrityException"/> naming the key. An empty
    /// prefix is an <see cref="ArtifactNotFoundException"/>. On failure the folder may hold some of the files.
    /// </summary>
    Task<IReadOnlyList<ArtifactInfo>> CopyPrefixToLocalAsync(string folderPrefix, string localFolder, CancellationToken ct = default);

    /// <summary>
    /// Stores every file under <paramref name="localFolder"/>, all levels down, under the folder prefix (a checkpoint or a
    /// model folder going up). Existing objects under the prefix that the folder lacks are left alone.
    /// </summary>
    Task<IReadOnlyList<ArtifactInfo>> PutFolderAsync(string localFolder, string folderPrefix, CancellationToken ct = default);
}
