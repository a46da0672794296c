namespace TuningService.Core.Imports;

/// <summary>
/// The folder an archive is extracted into, guarding every write: entry names must stay inside it (no absolute
/// paths, no `..`), the bytes written are capped, and links are never created on disk. A link whose target lies
/// inside the folder is materialised as a copy once all files are out (archives of a Hugging Face cache snapshot
/// link to blobs); any other link is refused.
/// </summary>
internal sealed class ExtractionTarget(string root, long maxBytes)
{
    // A model folder has a handful of files; this only stops an archive of millions of tiny entries.
    const int MaxEntries = 10_000;

    readonly string root = Path.GetFullPath(root);
    readonly List<(string Path, string Target, string EntryName)> links = [];
    long written;
    int entries;

    public void CreateDirectory(string entryName)
    {
        CountEntry();
        if (Resolve(entryName, allowRoot: true) is { } dir) Directory.CreateDirectory(dir);
    }

    public async Task WriteFileAsync(string entryName, Stream? content, CancellationToken ct)
    {
        CountEntry();
        var path = Resolve(entryName, allowRoot: false)!;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var output = new FileStream(path, FileMode.Create, FileAccess.Write);
        if (content is not null) await CopyCountedAsync(content, output, ct);
    }

    /// <summary>A symbolic link's target is relative to the link's folder; a hard link's to the archive root.</summary>
    public void AddLink(string entryName, string linkTarget, bool hard)
    {
        CountEntry();
        var path = Resolve(entryName, allowRoot: false)!;
        var normalized = linkTarget.Replace('\\', '/');
        if (hard)
        {
            links.Add((path, Resolve(normalized, allowRoot: false)!, entryName));
            return;
        }
        if (normalized.StartsWith('/') || Path.IsPathRooted(normalized))
            throw new ModelImportException($"The archive entry '{entryName}' links to the absolute path '{linkTarget}'; only links within the archive are accepted.");
        var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, normalized));
        if (!IsInside(target))
            throw new ModelImportException($"The archive entry '{entryName}' links to '{linkTarget}', outside the archive.");
        links.Add((path, target, entryName));
    }

    /// <summary>Copies each link's target file to the link's place; a link to a link waits for that one.</summary>
    public async Task ResolveLinksAsync(CancellationToken ct)
    {
        var pending = links.ToList();
        while (pending.Count > 0)
        {
            var resolved = pending.Where(l => !pending.Any(other => other.Path == l.Target)).ToList();
            if (resolved.Count == 0)
                throw new ModelImportException($"The links in the archive form a cycle (at '{pending[0].EntryName}').");
            foreach (var link in resolved)
            {
                if (Directory.Exists(link.Target))
                    throw new ModelImportException($"The archive entry '{link.EntryName}' links to a folder; only links to files are accepted.");
                if (!File.Exists(link.Target))
                    throw new ModelImportException($"The archive entry '{link.EntryName}' links to a file that is not in the archive.");
                Directory.CreateDirectory(Path.GetDirectoryName(link.Path)!);
                await using (var source = File.OpenRead(link.Target))
                await using (var output = new FileStream(link.Path, FileMode.Create, FileAccess.Write))
                    await CopyCountedAsync(source, output, ct);
                pending.Remove(link);
            }
        }
    }

    /// <summary>The full path for an entry name, refusing anything that would land outside the folder.</summary>
    string? Resolve(string entryName, bool allowRoot)
    {
        var normalized = entryName.Replace('\\', '/');
        if (normalized.StartsWith('/') || Path.IsPathRooted(normalized) || normalized is [_, ':', ..])
            throw new ModelImportException($"The archive entry '{entryName}' has an absolute path; entries must be relative.");
        var segments = normalized.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
            throw new ModelImportException($"The archive entry '{entryName}' contains '..'; entries must stay inside the archive.");
        if (segments.Any(s => s.Any(char.IsControl)))
            throw new ModelImportException("An archive entry name contains control characters.");
        if (segments.Length == 0)
            return allowRoot ? null : throw new ModelImportException($"The archive entry '{entryName}' has no file name.");
        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        // Belt and braces: the checks above already keep the path inside.
        if (!IsInside(full)) throw new ModelImportException($"The archive entry '{entryName}' would be written outside the archive's folder.");
        return full;
    }

    bool IsInside(string full) => full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    void CountEntry()
    {
        if (++entries > MaxEntries) throw new ModelImportException($"The archive has more than {MaxEntries:N0} entries; a model folder needs a handful.");
    }

    async Task CopyCountedAsync(Stream source, Stream output, CancellationToken ct)
    {
        var buffer = new byte[81920];
        int n;
        while ((n = await source.ReadAsync(buffer, ct)) > 0)
        {
            written += n;
            if (written > maxBytes)
                throw new ModelImportException($"The archive holds more than this server's limit of {maxBytes:N0} bytes (Tuning:MaxUploadBytes).") { TooLarge = true };
            await output.WriteAsync(buffer.AsMemory(0, n), ct);
        }
    }
}
