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
    public static LoadedModel Load(string folder, Device device) => Load(folder, device, WeightLoadOptions.Fp32);

    /// <summary>
    /// As <see cref="Load(string, Device)"/>, with the weights held as <paramref name="options"/> says. The checkpoint
    /// is read one tensor at a time (safetensors), each copied into its parameter and dropped, so loading peaks at the
    /// model plus one tensor. In fp32 the module is built as always and filled; in bf16 or quantized it is built on
    /// the meta device (no memory, no random init) and each parameter is created from its checkpoint tensor in the
    /// target dtype, each linear layer quantized as it is read (<see cref="WeightLoadOptions.Quantization"/>).
    /// </summary>
    public static LoadedModel Load(string folder, Device device, WeightLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"Weights load in Float32 or BFloat16, not {options.Dtype}.", nameof(options));
        var json = ReadConfigJson(folder);
        var family = ModelFamilies.Resolve(json);
        var config = family.ParseConfig(json);
        // The model is built in a scope of its own and its tensors detached from every scope afterwards, so that
        // calling Load inside a caller's dispose scope (a training step, a request) cannot dispose the weights.
        using var scope = NewDisposeScope();
        using var checkpoint = CheckpointTensorSource.Open(folder, family);
        var source = $"The weights in '{folder}'";
        bool IsIgnorable(string key) => family.IsIgnorableCheckpointKey(key, config);
        var model = options.IsFp32 ? family.CreateModel(config) : MetaModelMaterializer.Build(family, config);
        try
        {
            if (options.IsFp32)
            {
                StateDictCopier.CopyInto(model, checkpoint.Keys, checkpoint.Read, IsIgnorable, source);
                model.to(device);
            }
            else
            {
                StateDictCopier.CheckKeys(model.state_dict().Keys, checkpoint.Keys, IsIgnorable, source);
                MetaModelMaterializer.Fill(model, checkpoint, options, device, source);
            }
            model.eval();
            var parameters = model.parameters().ToList();
            foreach (var tensor in parameters.Concat(model.buffers()))
                tensor.DetachFromDisposeScope();
            var quantized = model.modules().OfType<QuantizedLinear>().Select(layer => layer.Weight).ToList();
            return new LoadedModel(model, config,
                ParameterCount: parameters.Sum(p => p.numel()) + quantized.Sum(q => q.ElementCount),
                ParameterBytes: parameters.Sum(p => p.numel() * p.ElementSize) + quantized.Sum(q => q.StorageBytes))
            {
                CheckpointDtype = checkpoint.FloatingDtype,
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
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
