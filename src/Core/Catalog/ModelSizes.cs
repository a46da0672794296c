using System.Collections.Concurrent;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Catalog;

/// <summary>
/// Parameter count and weight bytes of catalog models, read from the safetensors headers and cached per folder.
/// The cache key includes each weights file's length and write time, so a folder replaced on disk is read again.
/// </summary>
public sealed class ModelSizes
{
    readonly ConcurrentDictionary<string, WeightsSummary?> cache = new(StringComparer.Ordinal);

    /// <summary>The folder's sizes, or null when it has no readable safetensors weights (then there is nothing to report).</summary>
    public WeightsSummary? Of(string folder)
    {
        string key;
        try
        {
            key = folder + "|" + string.Join("|", CheckpointReader.WeightFiles(folder).Select(f =>
            {
                var info = new FileInfo(f);
                return $"{info.Length}:{info.LastWriteTimeUtc.Ticks}";
            }));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
        return cache.GetOrAdd(key, _ => TryRead(folder));
    }

    static WeightsSummary? TryRead(string folder)
    {
        try
        {
            return WeightsSummary.OfFolder(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException
                                   or KeyNotFoundException or InvalidOperationException or OverflowException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
