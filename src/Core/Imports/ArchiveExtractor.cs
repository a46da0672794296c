using System.Formats.Tar;
using System.IO.Compression;

namespace TuningService.Core.Imports;

/// <summary>
/// Extracts an uploaded model archive (.tar, .tar.gz or .zip, told apart by their first bytes rather than a file
/// name) into a folder, through <see cref="ExtractionTarget"/>'s checks. Only files, folders and links inside the
/// archive are accepted.
/// </summary>
public static class ArchiveExtractor
{
    public static async Task ExtractAsync(string archivePath, string destination, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(destination);
        var target = new ExtractionTarget(destination, maxBytes);
        try
        {
            switch (Detect(archivePath))
            {
                case ArchiveKind.Zip:
                    await ExtractZipAsync(archivePath, target, ct);
                    break;
                case ArchiveKind.GzipTar:
                    await using (var file = File.OpenRead(archivePath))
                    await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                        await ExtractTarAsync(gzip, target, ct);
                    break;
                default:
                    await using (var file = File.OpenRead(archivePath))
                        await ExtractTarAsync(file, target, ct);
                    break;
            }
            await target.ResolveLinksAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ModelImportException($"The archive is damaged or not a valid .tar, .tar.gz or .zip file: {e.Message}", e);
        }
    }

    static async Task ExtractTarAsync(Stream stream, ExtractionTarget target, CancellationToken ct)
    {
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await target.WriteFileAsync(entry.Name, entry.DataStream, ct);
                    break;
                case TarEntryType.Directory:
                    target.CreateDirectory(entry.Name);
                    break;
                case TarEntryType.SymbolicLink:
                    target.AddLink(entry.Name, entry.LinkName, hard: false);
                    break;
                case TarEntryType.HardLink:
                    target.AddLink(entry.Name, entry.LinkName, hard: true);
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    break; // pax metadata for the entries that follow, no file of its own
                default:
                    throw new ModelImportException($"The archive entry '{entry.Name}' is a {entry.EntryType}; only files, folders and links are accepted.");
            }
        }
    }

    static async Task ExtractZipAsync(string archivePath, ExtractionTarget target, CancellationToken ct)
    {
        using var zip = ZipFile.OpenRead(archivePath);
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
            {
                target.CreateDirectory(entry.FullName);
                continue;
            }
            await using var content = entry.Open();
            if (IsZipSymbolicLink(entry))
            {
                // A zip stores a link as an entry whose content is the target path.
                using var reader = new StreamReader(content);
                target.AddLink(entry.FullName, await reader.ReadToEndAsync(ct), hard: false);
            }
            else
            {
                await target.WriteFileAsync(entry.FullName, content, ct);
            }
        }
    }

    // Unix zip tools keep the file mode in the high 16 bits of the external attributes; S_IFLNK is 0xA000.
    static bool IsZipSymbolicLink(ZipArchiveEntry entry) => ((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000;

    enum ArchiveKind { Tar, GzipTar, Zip }

    static ArchiveKind Detect(string path)
    {
        Span<byte> head = stackalloc byte[262];
        int n;
        using (var file = File.OpenRead(path)) n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5 && head[3] is 4 or 6) return ArchiveKind.Zip;
        if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return ArchiveKind.GzipTar;
        if (n >= 262 && head[257..262].SequenceEqual("ustar"u8)) return ArchiveKind.Tar;
        throw new ModelImportException("The file is not a .tar, .tar.gz or .zip archive.");
    }
}
