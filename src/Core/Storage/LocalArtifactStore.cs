using System.Runtime.CompilerServices;
using TuningService.Core.Configuration;

namespace TuningService.Core.Storage;

/// <summary>
/// Artifacts as files under the data folder (<c>Tuning:DataDir</c>), in today's layout: key <c>files/file-abc</c> is the
/// file <c>DataDir/files/file-abc</c>. A put writes a temporary file and renames it over the target, so readers never
/// see half a file.
/// <para>
/// The sha256 is kept in a sidecar file under <c>DataDir/.artifact-store/sha256/</c> (same relative path as the key),
/// not recomputed on demand: a recomputed hash always matches, so a file changed on disk would go unnoticed, and
/// hashing a multi-gigabyte model on every head would be slow. The sidecars live in their own tree rather than beside
/// the artifacts so that checkpoint and model folders hold exactly what they held before (code that lists or copies
/// them sees no extra files). The data file is renamed into place before its sidecar: a crash between the two
/// leaves a stale sidecar, which a copy reports as a mismatch instead of accepting unchecked bytes.
/// </para>
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore
{
    readonly string root;
    readonly string sidecars;
    readonly string temp;

    public LocalArtifactStore(string dataDir)
    {
        root = Path.GetFullPath(dataDir);
        sidecars = Path.Combine(root, ArtifactKeys.ReservedFolder, "sha256");
        temp = Path.Combine(root, ArtifactKeys.ReservedFolder, "tmp");
    }

    public string Description => $"the local folder {root}";

    /// <summary>The folder the keys are relative to (full path): the data directory when the service built the store.</summary>
    public string Root => root;

    public Task ValidateAsync(CancellationToken ct = default)
    {
        var probe = Path.Combine(temp, $"probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"The artifact store folder {root} is not writable ({e.Message.Trim()}). " +
                "Fix its permissions or point Tuning:DataDir (Tuning__DataDir) at a writable folder.", e);
        }
        return Task.CompletedTask;
    }

    public async Task<ArtifactInfo> PutAsync(string key, Stream content, CancellationToken ct = default)
    {
        PathOf(key); // checks the key before anything is written
        Directory.CreateDirectory(temp);
        var partial = Path.Combine(temp, $"{Guid.NewGuid():N}.partial");
        try
        {
            long size;
            string sha256;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                (size, sha256) = await Sha256Copy.CopyAsync(content, file, ct);
            await InstallAsync(key, partial, sha256, ct);
            return new ArtifactInfo(key, size, sha256);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public Task<ArtifactUpload> BeginUploadAsync(string key, CancellationToken ct = default)
    {
        PathOf(key); // checks the key before anything is written
        return Task.FromResult<ArtifactUpload>(new LocalArtifactUpload(this, key, temp));
    }

    /// <summary>
    /// Moves a complete temporary file under the store's folder to the key's path, then writes its sidecar: the data
    /// file first, so that a crash between the two leaves a stale sidecar (a loud mismatch), never unchecked bytes.
    /// </summary>
    internal async Task InstallAsync(string key, string partial, string sha256, CancellationToken ct)
    {
        var target = PathOf(key);
        var partialSidecar = partial + ".sha256";
        try
        {
            await File.WriteAllTextAsync(partialSidecar, sha256, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var sidecar = SidecarOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(sidecar)!);
            File.Move(partial, target, overwrite: true);
            File.Move(partialSidecar, sidecar, overwrite: true);
        }
        finally
        {
            File.Delete(partialSidecar);
        }
    }

    public Task<ArtifactReadStream> OpenReadAsync(string key, CancellationToken ct = default) => OpenReadAsync(key, 0, long.MaxValue, ct);

    public async Task<ArtifactReadStream> OpenReadAsync(string key, long offset, long length, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var path = PathOf(key);
        // The sidecar first: if a put lands in between, the file is newer than the hash and a check fails loudly.
        var sha256 = await ReadSidecarAsync(key, ct);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArtifactNotFoundException(key, Description);
        }
        var size = file.Length;
        if (offset > size)
        {
            await file.DisposeAsync();
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Artifact '{key}' has {size} bytes; the offset is past its end.");
        }
        file.Seek(offset, SeekOrigin.Begin);
        return new ArtifactReadStream(new ArtifactInfo(key, size, sha256), file, Math.Min(length, size - offset));
    }

    public async Task<ArtifactInfo?> HeadAsync(string key, CancellationToken ct = default)
    {
        var file = new FileInfo(PathOf(key));
        if (!file.Exists) return null;
        return new ArtifactInfo(key, file.Length, await ReadSidecarAsync(key, ct));
    }

    public async IAsyncEnumerable<ArtifactEntry> ListAsync(string folderPrefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var folder = ArtifactKeys.Folder(folderPrefix);
        var directory = folder.Length == 0 ? root : PathOf(folder[..^1]);
        if (!Directory.Exists(directory)) yield break;
        var reserved = Path.Combine(root, ArtifactKeys.ReservedFolder) + Path.DirectorySeparatorChar;
        var entries = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(reserved, StringComparison.Ordinal))
            .Select(f => new ArtifactEntry(Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(f).Length))
            .OrderBy(e => e.Key, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            yield return entry;
        }
        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        File.Delete(PathOf(key)); // no error when missing, like S3
        File.Delete(SidecarOf(key));
        return Task.CompletedTask;
    }

    public async Task<int> DeletePrefixAsync(string folderPrefix, CancellationToken ct = default)
    {
        var folder = ArtifactKeys.Folder(folderPrefix);
        if (folder.Length == 0) throw new ArgumentException("Refusing to delete every artifact: name a folder prefix.", nameof(folderPrefix));
        var count = 0;
        await foreach (var _ in ListAsync(folder, ct)) count++;
        var relative = folder[..^1];
        if (Directory.Exists(PathOf(relative))) Directory.Delete(PathOf(relative), recursive: true);
        var sidecarFolder = SidecarOf(relative);
        if (Directory.Exists(sidecarFolder)) Directory.Delete(sidecarFolder, recursive: true);
        return count;
    }

    public Task<IReadOnlyList<ArtifactInfo>> CopyPrefixToLocalAsync(string folderPrefix, string localFolder, CancellationToken ct = default) =>
        ArtifactFolderTransfer.DownloadAsync(this, folderPrefix, localFolder, ct);

    public Task<IReadOnlyList<ArtifactInfo>> PutFolderAsync(string localFolder, string folderPrefix, CancellationToken ct = default) =>
        ArtifactFolderTransfer.UploadAsync(this, localFolder, folderPrefix, ct);

    /// <summary>The file of a key (test code tampers with it through this).</summary>
    internal string PathOf(string key) => Path.Combine(root, ArtifactKeys.Check(key).Replace('/', Path.DirectorySeparatorChar));

    string SidecarOf(string key) => Path.Combine(sidecars, ArtifactKeys.Check(key).Replace('/', Path.DirectorySeparatorChar));

    async Task<string?> ReadSidecarAsync(string key, CancellationToken ct)
    {
        try
        {
            return (await File.ReadAllTextAsync(SidecarOf(key), ct)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // a file that the store did not write (today's code paths write files directly)
        }
    }
}
