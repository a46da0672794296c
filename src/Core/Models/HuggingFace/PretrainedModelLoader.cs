using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>Loads a Hugging Face model folder (config.json + safetensors weights), like from_pretrained.</summary>
public static class PretrainedModelLoader
{
    public const string ConfigFile = "config.json";

    /// <summary>Reads and parses config.json; throws for unsupported families or settings.</summary>
    public static PretrainedConfig LoadConfig(string folder)
    {
        var json = ReadConfigJson(folder);
        return ModelFamilies.Resolve(json).ParseConfig(json);
    }

    /// <summary>
    /// Builds the model the config describes and fills it from the folder's weights (converted to fp32).
    /// The checkpoint must name exactly the model's tensors, apart from keys the family declares harmless.
    /// The model comes back in eval mode on <paramref name="device"/>.
    /// </summary>
    public static LoadedModel Load(string folder, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var json = ReadConfigJson(folder);
        var family = ModelFamilies.Resolve(json);
        var config = family.ParseConfig(json);
        // The model is built in a scope of its own and its tensors detached from every scope afterwards, so that
        // calling Load inside a caller's dispose scope (a training step, a request) cannot dispose the weights.
        using var scope = NewDisposeScope();
        var model = family.CreateModel(config);
        try
        {
            var checkpoint = WithCanonicalKeys(CheckpointReader.ReadStateDict(folder), family, folder);
            StateDictCopier.CopyInto(model, checkpoint, key => family.IsIgnorableCheckpointKey(key, config),
                $"The weights in '{folder}'");
            model.to(device);
            model.eval();
            var parameters = model.parameters().ToList();
            foreach (var tensor in parameters.Concat(model.buffers()))
                tensor.DetachFromDisposeScope();
            return new LoadedModel(model, config,
                ParameterCount: parameters.Sum(p => p.numel()),
                ParameterBytes: parameters.Sum(p => p.numel() * p.ElementSize));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static Dictionary<string, Tensor> WithCanonicalKeys(Dictionary<string, Tensor> stored, IModelFamily family, string folder)
    {
        var renamed = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in stored)
        {
            var canonical = family.CanonicalCheckpointKey(key);
            if (!renamed.TryAdd(canonical, tensor))
                throw new InvalidDataException($"The weights in '{folder}' hold tensor '{canonical}' twice, under two spellings of its name.");
        }
        return renamed;
    }

    private static JsonObject ReadConfigJson(string folder)
    {
        var path = Path.Combine(folder, ConfigFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No {ConfigFile} in '{folder}'.", path);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"'{path}' does not hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
