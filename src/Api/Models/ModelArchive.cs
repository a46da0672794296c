using System.Formats.Tar;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Storage;

namespace TuningService.Api.Models;

/// <summary>Streams a model folder as an uncompressed tar (safetensors do not compress), with the files under one root folder.</summary>
public static class ModelArchive
{
    /// <summary>
    /// Answers a download of the model or checkpoint folder at <paramref name="relativeFolder"/> (under the data
    /// directory): from this machine's copy when it has one (held under a cache lease while it streams), otherwise
    /// straight from the artifact store, object by object, memory flat in their sizes (nothing is written to disk
    /// first: a multi-gigabyte model would need the space and the time before the first byte went out).
    /// </summary>
    public static async Task WriteVariantAsync(HttpContext http, ArtifactMirror mirror, DataPaths paths, string relativeFolder, string name,
        string? variant, DateTimeOffset modified, CancellationToken ct)
    {
        using var lease = mirror.Cache.Lease(relativeFolder);
        var local = paths.Resolve(relativeFolder);
        if (!mirror.IsActive || Directory.Exists(local))
        {
            mirror.Cache.Touch(relativeFolder);
            await WriteVariantAsync(http, local, name, variant, ct);
            return;
        }
        lease.Dispose();

        var folder = ArtifactMirror.KeyOf(relativeFolder) + "/";
        var objects = await mirror.ListAsync(relativeFolder, ct);
        if (objects.Count == 0)
            throw new ApiException(404, $"The files of '{name}' are not in the artifact store ({mirror.Store.Description}) any more.", null, "not_found");
        var adapterFolder = folder + CheckpointLayout.AdapterFolder + "/";
        var hasAdapter = objects.Any(o => o.Key.StartsWith(adapterFolder, StringComparison.Ordinal));
        // The full folder leaves out a LoRA adapter beside it: that is the other variant.
        var (prefix, root) = variant switch
        {
            null or "merged" => (folder, name),
            "adapter" when hasAdapter => (adapterFolder, $"{name}-adapter"),
            "adapter" => throw ApiException.BadRequest($"'{name}' was not trained with LoRA, so it has no adapter; download it without variant (or variant=merged).", "variant"),
            _ => throw ApiException.BadRequest($"variant must be 'merged' or 'adapter', got '{variant}'.", "variant"),
        };
        var selected = objects
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal) && (prefix == adapterFolder || !o.Key.StartsWith(adapterFolder, StringComparison.Ordinal)))
            .Select(o => (o.Key, EntryName: o.Key[prefix.Length..]))
            .ToList();
        await using (var tar = Start(http, root))
        {
            foreach (var (key, entryName) in selected)
            {
                // Each object is checked as it streams: a damaged one cuts the response short (VerifiedArtifactStream).
                await using var content = new VerifiedArtifactStream(await mirror.OpenReadAsync(key, ct));
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{SafeRoot(root)}/{entryName}") { DataStream = content, ModificationTime = modified };
                await tar.WriteEntryAsync(entry, ct);
            }
        }
    }

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
        var root = SafeRoot(name);
        await using var tar = Start(http, name);
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

    static TarWriter Start(HttpContext http, string name)
    {
        http.Response.ContentType = "application/x-tar";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{SafeRoot(name)}.tar\"";
        return new TarWriter(http.Response.Body, TarEntryFormat.Pax, leaveOpen: true);
    }

    static string SafeRoot(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
