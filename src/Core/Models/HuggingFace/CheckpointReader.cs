using System.Collections;
using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Reads a folder's weights: model.safetensors, or the shards listed in model.safetensors.index.json, or, as HF
/// falls back when no safetensors exist, pytorch_model.bin (a torch.save zip pickle of the state dict).
/// Tensors keep their stored dtype (F32, F16, BF16, ...); the caller converts. Parsing is TorchSharp.PyBridge's:
/// its safetensors reader maps every safetensors float dtype to the matching torch dtype, and its unpickler
/// rebuilds only tensors and dictionaries (it runs no pickled code).
/// </summary>
internal static class CheckpointReader
{
    public const string WeightsFile = "model.safetensors";
    public const string ShardIndexFile = "model.safetensors.index.json";
    public const string PickleWeightsFile = "pytorch_model.bin";

    public static Dictionary<string, Tensor> ReadStateDict(string folder)
    {
        var single = Path.Combine(folder, WeightsFile);
        if (File.Exists(single))
            return ReadSafetensors(single);
        var index = Path.Combine(folder, ShardIndexFile);
        if (File.Exists(index))
            return ReadShards(folder, index);
        var pickle = Path.Combine(folder, PickleWeightsFile);
        if (File.Exists(pickle))
            return ReadPickle(pickle);
        throw new FileNotFoundException($"No {WeightsFile}, {ShardIndexFile} or {PickleWeightsFile} in '{folder}'.");
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
            foreach (var (key, value) in ReadSafetensors(Path.Combine(folder, shard)))
                if (!merged.TryAdd(key, value))
                    throw new InvalidDataException($"Tensor '{key}' appears in more than one shard of '{folder}'.");
        return merged;
    }

    internal static Dictionary<string, Tensor> ReadPickle(string path)
    {
        using var file = File.OpenRead(path);
        try
        {
            return PyTorchUnpickler.UnpickleStateDict(file, leaveOpen: true).Cast<DictionaryEntry>()
                .ToDictionary(entry => (string)entry.Key, entry => (Tensor)entry.Value!, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not IOException and not OutOfMemoryException)
        {
            // Also the pre-1.6 (non-zip) torch.save format and whole pickled modules, which PyBridge refuses.
            throw new InvalidDataException($"'{path}' is not a readable PyTorch state dict (torch.save zip format): {e.Message}", e);
        }
    }

    internal static Dictionary<string, Tensor> ReadSafetensors(string path)
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
