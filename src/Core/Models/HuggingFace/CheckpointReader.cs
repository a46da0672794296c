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
        var single = Path.Combine(folder, WeightsFile);
        if (File.Exists(single))
            return ReadFile(single);
        var index = Path.Combine(folder, ShardIndexFile);
        if (File.Exists(index))
            return ReadShards(folder, index);
        var hint = File.Exists(Path.Combine(folder, "pytorch_model.bin"))
            ? " Only safetensors weights are supported; pytorch_model.bin (pickle) is not read."
            : "";
        throw new FileNotFoundException($"No {WeightsFile} or {ShardIndexFile} in '{folder}'.{hint}");
    }

    private static Dictionary<string, Tensor> ReadShards(string folder, string indexPath)
    {
        var weightMap = (JsonNode.Parse(File.ReadAllText(indexPath))?["weight_map"] as JsonObject)
            ?? throw new InvalidDataException($"'{indexPath}' has no weight_map object.");
        var shards = weightMap.Select(entry => entry.Value?.GetValue<string>()
                ?? throw new InvalidDataException($"'{indexPath}': weight_map['{entry.Key}'] is null."))
            .Distinct(StringComparer.Ordinal);
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var shard in shards)
            foreach (var (key, value) in ReadFile(Path.Combine(folder, shard)))
                if (!merged.TryAdd(key, value))
                    throw new InvalidDataException($"Tensor '{key}' appears in more than one shard of '{folder}'.");
        return merged;
    }

    private static Dictionary<string, Tensor> ReadFile(string path)
    {
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception e) when (e is not IOException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a readable safetensors file: {e.Message}", e);
        }
    }
}
