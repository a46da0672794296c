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

    /// <summary>The files that hold a folder's weights: model.safetensors, each shard of the index once, or pytorch_model.bin.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var single = Path.Combine(folder, WeightsFile);
        if (File.Exists(single))
            return [single];
        var index = Path.Combine(folder, ShardIndexFile);
        if (File.Exists(index))
            return ShardNames(File.ReadAllText(index), index).Select(shard => Path.Combine(folder, shard)).ToList();
        var pickle = Path.Combine(folder, PickleWeightsFile);
        if (File.Exists(pickle))
            return [pickle];
        throw new FileNotFoundException($"No {WeightsFile}, {ShardIndexFile} or {PickleWeightsFile} in '{folder}'.");
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

    private static Dictionary<string, Tensor> ReadFile(string path) =>
        Path.GetFileName(path) == PickleWeightsFile ? ReadPickle(path) : ReadSafetensors(path);

    internal static Dictionary<string, Tensor> ReadSafetensors(string path)
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
