using System.Formats.Tar;
using System.IO.Compression;
using TuningService.Core.Imports;
using TuningService.Core.Tests.Models;

namespace TuningService.Core.Tests.Imports;

/// <summary>Safe extraction: links inside the archive become copies, anything that could reach outside is refused.</summary>
public sealed class ArchiveExtractorTests : IDisposable
{
    private readonly TempFolder scratch = new();
    private string Destination => scratch.Combine("out");

    [Fact]
    public async Task A_hard_link_and_a_link_to_a_link_become_copies_of_the_file()
    {
        var archive = Tar(
            Entry(TarEntryType.RegularFile, "m/blob", "weights"u8.ToArray()),
            Link(TarEntryType.HardLink, "m/hard", "m/blob"),
            Link(TarEntryType.SymbolicLink, "m/second", "first"),
            Link(TarEntryType.SymbolicLink, "m/first", "blob"));

        await ArchiveExtractor.ExtractAsync(archive, Destination, 1000, CancellationToken.None);

        foreach (var name in new[] { "blob", "hard", "first", "second" })
            Assert.Equal("weights", File.ReadAllText(Path.Combine(Destination, "m", name)));
        Assert.Null(new FileInfo(Path.Combine(Destination, "m", "second")).LinkTarget);
    }

    [Fact]
    public async Task Links_in_a_cycle_are_refused()
    {
        var archive = Tar(Link(TarEntryType.SymbolicLink, "a", "b"), Link(TarEntryType.SymbolicLink, "b", "a"));
        var e = await Assert.ThrowsAsync<ModelImportException>(() => ArchiveExtractor.ExtractAsync(archive, Destination, 1000, CancellationToken.None));
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public async Task A_hard_link_to_a_path_outside_is_refused()
    {
        var archive = Tar(Link(TarEntryType.HardLink, "x", "../../etc/passwd"));
        var e = await Assert.ThrowsAsync<ModelImportException>(() => ArchiveExtractor.ExtractAsync(archive, Destination, 1000, CancellationToken.None));
        Assert.Contains("..", e.Message);
    }

    [Fact]
    public async Task A_device_or_fifo_entry_is_refused()
    {
        var archive = Tar(new PaxTarEntry(TarEntryType.Fifo, "pipe"));
        var e = await Assert.ThrowsAsync<ModelImportException>(() => ArchiveExtractor.ExtractAsync(archive, Destination, 1000, CancellationToken.None));
        Assert.Contains("Fifo", e.Message);
    }

    [Fact]
    public async Task Zip_entries_that_climb_out_or_link_out_are_refused()
    {
        var climbing = Zip(zip => Write(zip.CreateEntry("../escape.txt"), "x"));
        await Assert.ThrowsAsync<ModelImportException>(() => ArchiveExtractor.ExtractAsync(climbing, Destination, 1000, CancellationToken.None));
        Assert.False(File.Exists(scratch.Combine("escape.txt")));

        var linking = Zip(zip =>
        {
            var link = zip.CreateEntry("tokenizer.model");
            link.ExternalAttributes = unchecked((int)0xA1FF0000); // S_IFLNK | 0777, as Info-ZIP stores a symbolic link
            Write(link, "../../../etc/passwd");
        });
        var e = await Assert.ThrowsAsync<ModelImportException>(() => ArchiveExtractor.ExtractAsync(linking, scratch.Combine("out2"), 1000, CancellationToken.None));
        Assert.Contains("outside", e.Message);
    }

    [Fact]
    public async Task A_file_that_is_no_archive_is_refused()
    {
        var path = scratch.Combine("not-an-archive");
        await File.WriteAllTextAsync(path, "{\"hello\": 1}");
        var e = await Assert.ThrowsAsync<ModelImportException>(() => ArchiveExtractor.ExtractAsync(path, Destination, 1000, CancellationToken.None));
        Assert.Contains("not a .tar, .tar.gz or .zip", e.Message);
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, byte[] content) => new(type, name) { DataStream = new MemoryStream(content) };

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    private string Tar(params PaxTarEntry[] entries)
    {
        var path = scratch.Combine($"{Guid.NewGuid():N}.tar");
        using var file = File.Create(path);
        using var tar = new TarWriter(file, TarEntryFormat.Pax);
        foreach (var entry in entries) tar.WriteEntry(entry);
        return path;
    }

    private string Zip(Action<ZipArchive> build)
    {
        var path = scratch.Combine($"{Guid.NewGuid():N}.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        build(zip);
        return path;
    }

    private static void Write(ZipArchiveEntry entry, string text)
    {
        using var writer = new StreamWriter(entry.Open());
        writer.Write(text);
    }

    public void Dispose() => scratch.Dispose();
}
