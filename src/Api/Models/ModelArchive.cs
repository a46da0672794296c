using System.Formats.Tar;

namespace TuningService.Api.Models;

/// <summary>Streams a model folder as an uncompressed tar (safetensors do not compress), with the files under one root folder.</summary>
public static class ModelArchive
{
    public static async Task WriteAsync(HttpContext http, string folder, string name, CancellationToken ct)
    {
        if (!Directory.Exists(folder))
            throw new Infrastructure.ApiException(404, $"The files of '{name}' are no longer on this server.", null, "not_found");
        var root = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        http.Response.ContentType = "application/x-tar";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{root}.tar\"";
        await using var tar = new TarWriter(http.Response.Body, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var entryName = $"{root}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}";
            await using var content = File.OpenRead(file);
            var entry = new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = content, ModificationTime = File.GetLastWriteTimeUtc(file) };
            await tar.WriteEntryAsync(entry, ct);
        }
    }
}
