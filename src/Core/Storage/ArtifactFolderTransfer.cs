namespace TuningService.Core.Storage;

/// <summary>
/// Moving a folder of objects between a store and a local folder, written once over <see cref="IArtifactStore"/>'s
/// own operations so that both stores check sha256s the same way.
/// </summary>
static class ArtifactFolderTransfer
{
    public static async Task<IReadOnlyList<ArtifactInfo>> DownloadAsync(IArtifactStore store, string folderPrefix, string localFolder, CancellationToken ct)
    {
        var folder = ArtifactKeys.Folder(folderPrefix);
        var root = Path.GetFullPath(localFolder);
        Directory.CreateDirectory(root);
        var copied = new List<ArtifactInfo>();
        await foreach (var entry in store.ListAsync(folder, ct))
        {
            var target = Path.Combine(root, entry.Key[folder.Length..].Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = $"{target}.{Guid.NewGuid():N}.partial";
            try
            {
                await using (var source = await store.OpenReadAsync(entry.Key, ct))
                {
                    string actual;
                    await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                        (_, actual) = await Sha256Copy.CopyAsync(source, file, ct);
                    // The sha256 comes with the read itself (S3: the GET's metadata), so it belongs to the bytes read.
                    if (source.Artifact.Sha256 != actual)
                        throw new ArtifactIntegrityException(entry.Key, store.Description, source.Artifact.Sha256, actual);
                    copied.Add(source.Artifact);
                }
                File.Move(partial, target, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
        }
        if (copied.Count == 0) throw new ArtifactNotFoundException(folder, store.Description);
        return copied;
    }

    public static async Task<IReadOnlyList<ArtifactInfo>> UploadAsync(IArtifactStore store, string localFolder, string folderPrefix, CancellationToken ct)
    {
        var folder = ArtifactKeys.Folder(folderPrefix);
        var root = Path.GetFullPath(localFolder);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"No folder '{root}' to store under '{folder}'.");
        var stored = new List<ArtifactInfo>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var key = ArtifactKeys.ForLocalFile(folder, root, file);
            await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            stored.Add(await store.PutAsync(key, content, ct));
        }
        return stored;
    }
}
