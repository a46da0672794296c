using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Reads a folder's safetensors weights: model.safetensors, or the shards listed in model.safetensors.index.json.
/// Tensors keep their stored dtype (F32, F16, BF16, ...); the caller converts. Parsing is TorchSharp.PyBridge's
/// safetensors reader, which maps every safetensors float dtype to the matching torch dtype.
/// </summary>
internal static class CheckpointReader
{
    public const string WeightsFile = "model.safetensors";
    public const string ShardIndexFile = "model.safetensors.index.json";

    public static Dictionary<string, Tensor> ReadStateDict(string folder)
    {
        var files = WeightFiles(folder);
        if (files.Count == 1)
            return ReadFile(files[0]);
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var shard in files)
            foreach (var (key, value) in ReadFile(shard))
                if (!merged.TryAdd(key, value))
                    throw new InvalidDataException($"Tensor '{key}' appears in more than one shard of '{folder}'.");
        return merged;
    }

    /// <summary>The safetensors files that hold a folder's weights: model.safetensors, or each shard of the index once.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var single = Path.Combine(folder, WeightsFile);
        if (File.Exists(single))
            return [single];
        var index = Path.Combine(folder, ShardIndexFile);
        if (File.Exists(index))
            return ShardNames(File.ReadAllText(index), index).Select(shard => Path.Combine(folder, shard)).ToList();
        var hint = File.Exists(Path.Combine(folder, "pytorch_model.bin"))
            ? " Only safetensors weights are supported; pytorch_model.bin (pickle) is not read."
            : "";
        throw new FileNotFoundException($"No {WeightsFile} or {ShardIndexFile} in '{folder}'.{hint}");
    }

    /// <summary>The distinct shard file names in a model.safetensors.index.json's weight_map, in first-seen order.</summary>
    public static IReadOnlyList<string> ShardNames(string indexJson, string indexName)
    {
        var weightMap = (JsonNode.Parse(indexJson)?["weight_map"] as JsonObject)
            ?? throw new InvalidDataException($"'{indexName}' has no weight_map object.");
        return weightMap.Select(entry => entry.Value?.GetValue<string>()
                ?? throw new InvalidDataException($"'{indexName}': weight_map['{entry.Key}'] is null."))
            .Distinct(StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, Tensor> ReadFile(string path)
    {
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        // A truncated file ends the read early (EndOfStreamException, an IOException): that is a bad file, not a disk error.
        catch (Exception e) when (e is EndOfStreamException || (e is not IOException and not OutOfMemoryException))
        {
            throw new InvalidDataException($"'{path}' is not a readable safetensors file: {e.Message}", e);
        }
    }
}
