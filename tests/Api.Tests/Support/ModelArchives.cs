using System.Formats.Tar;
using System.IO.Compression;

namespace TuningService.Api.Tests.Support;

/// <summary>Archives of model folders as a user would upload them, and hand-made ones with hostile entries.</summary>
public static class ModelArchives
{
    public static string LlamaTiny => Path.Combine(RepoPaths.Root, "tests", "fixtures", "models", "llama-tiny");

    /// <summary>A tar (gzip-compressed when asked) of a folder's files, under <paramref name="root"/>/ when given.</summary>
    public static byte[] Tar(string folder, string? root, bool gzip = false) =>
        TarOf(Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => (Name: Prefixed(root, Path.GetFileName(f)), Content: File.ReadAllBytes(f))), gzip);

    /// <summary>A tar of the given regular files, e.g. with a name like "../escape.txt".</summary>
    public static byte[] TarOf(IEnumerable<(string Name, byte[] Content)> files, bool gzip = false, IEnumerable<(string Name, string Target)>? symlinks = null)
    {
        using var buffer = new MemoryStream();
        using (var target = gzip ? new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true) : null)
        using (var tar = new TarWriter(target ?? (Stream)buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            foreach (var (name, linkTarget) in symlinks ?? [])
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = linkTarget });
        }
        return buffer.ToArray();
    }

    /// <summary>A zip of a folder's files, at the zip's top level.</summary>
    public static byte[] Zip(string folder)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
                zip.CreateEntryFromFile(file, Path.GetFileName(file));
        return buffer.ToArray();
    }

    static string Prefixed(string? root, string name) => root is null ? name : $"{root}/{name}";
}
