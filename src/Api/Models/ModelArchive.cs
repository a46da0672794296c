using System.Formats.Tar;
using TuningService.Api.Infrastructure;
using TuningService.Core.FineTuning;

namespace TuningService.Api.Models;

/// <summary>Streams a model folder as an uncompressed tar (safetensors do not compress), with the files under one root folder.</summary>
public static class ModelArchive
{
    /// <summary>
    /// Answers `?variant=merged` (default: the full Hugging Face folder) or `?variant=adapter` (a LoRA job's PEFT
    /// adapter folder) for a folder laid out as <see cref="CheckpointLayout"/> says.
    /// </summary>
    public static Task WriteVariantAsync(HttpContext http, string folder, string name, string? variant, CancellationToken ct)
    {
        var adapter = Path.Combine(folder, CheckpointLayout.AdapterFolder);
        return variant switch
        {
            null or "merged" => WriteAsync(http, folder, name, ct),
            "adapter" when Directory.Exists(adapter) => WriteAsync(http, adapter, $"{name}-adapter", ct),
            "adapter" => throw ApiException.BadRequest($"'{name}' was not trained with LoRA, so it has no adapter; download it without variant (or variant=merged).", "variant"),
            _ => throw ApiException.BadRequest($"variant must be 'merged' or 'adapter', got '{variant}'.", "variant"),
        };
    }

    public static async Task WriteAsync(HttpContext http, string folder, string name, CancellationToken ct)
    {
        if (!Directory.Exists(folder))
            throw new ApiException(404, $"The files of '{name}' are no longer on this server.", null, "not_found");
        var root = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        http.Response.ContentType = "application/x-tar";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{root}.tar\"";
        await using var tar = new TarWriter(http.Response.Body, TarEntryFormat.Pax, leaveOpen: true);
        // The full folder leaves out a LoRA adapter beside it: that is the other variant.
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).StartsWith(CheckpointLayout.AdapterFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var entryName = $"{root}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}";
            await using var content = File.OpenRead(file);
            var entry = new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = content, ModificationTime = File.GetLastWriteTimeUtc(file) };
            await tar.WriteEntryAsync(entry, ct);
        }
    }
}
