using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// What a PEFT LoRA adapter folder holds, read and checked for what this service can apply: the adapter_config.json
/// settings and each module's A [r, in] and B [out, r]. Shared by <see cref="PeftAdapterLoader"/> (one adapter
/// wrapped into a model) and <see cref="MultiAdapterModel"/> (many adapters beside one base).
/// The tensors are created in the caller's dispose scope.
/// </summary>
/// <param name="ByModule">A and B by module path (the key without `base_model.model.` and `.lora_{A,B}.weight`).</param>
internal sealed record PeftAdapterWeights(string Folder, LoraConfig Config, string? TaskType, string? BaseModel,
    IReadOnlyDictionary<string, (Tensor A, Tensor B)> ByModule)
{
    /// <summary>Reads adapter_config.json and adapter_model.safetensors (or the older adapter_model.bin).</summary>
    public static PeftAdapterWeights Read(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var (config, taskType, baseModel) = PeftAdapterConfigJson.Read(Path.Combine(folder, PeftAdapterFormat.ConfigFile));
        return new PeftAdapterWeights(folder, config, taskType, baseModel, AdaptersByModule(ReadTensors(folder), folder));
    }

    /// <summary>
    /// Throws unless the adapter fits <paramref name="model"/>: its task type, every module it names present and
    /// linear, every A and B of the layer's shape. Returns the adapter's module paths in module order.
    /// </summary>
    public IReadOnlyList<string> CheckFits(nn.Module model)
    {
        if (TaskType is PeftTaskTypes.CausalLm or PeftTaskTypes.Seq2SeqLm && PeftTaskTypes.TryFor(model) is { } modelTask && modelTask != TaskType)
            throw new InvalidDataException($"The adapter in '{Folder}' is for a {TaskType} model; this model is {modelTask}.");
        var modules = LoraTargets.DepthFirst(model).ToDictionary(entry => entry.Path, entry => entry.Module, StringComparer.Ordinal);
        var unknown = ByModule.Keys.Where(path => !modules.ContainsKey(path)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException(
                $"The adapter in '{Folder}' names modules the model does not have: {string.Join(", ", unknown)} " +
                $"(it was made for '{BaseModel ?? "an unnamed base model"}').");
        var paths = modules.Keys.Where(ByModule.ContainsKey).ToList(); // module order
        foreach (var path in paths)
            CheckShapes(path, modules[path]);
        return paths;
    }

    private void CheckShapes(string path, nn.Module module)
    {
        var (a, b) = ByModule[path];
        var (inFeatures, outFeatures) = LoraLinear.FeaturesOf(module);
        if (!a.shape.SequenceEqual([Config.R, inFeatures]) || !b.shape.SequenceEqual([outFeatures, Config.R]))
            throw new InvalidDataException(
                $"The adapter in '{Folder}' gives '{path}' lora_A [{string.Join(", ", a.shape)}] and lora_B " +
                $"[{string.Join(", ", b.shape)}]; with r {Config.R} the layer needs [{Config.R}, {inFeatures}] and [{outFeatures}, {Config.R}].");
        if (!a.is_floating_point() || !b.is_floating_point())
            throw new InvalidDataException($"The adapter in '{Folder}' stores '{path}' with a non-float dtype.");
    }

    private static Dictionary<string, Tensor> ReadTensors(string folder)
    {
        var safetensors = Path.Combine(folder, PeftAdapterFormat.WeightsFile);
        if (File.Exists(safetensors))
            return CheckpointReader.ReadSafetensors(safetensors);
        var pickle = Path.Combine(folder, PeftAdapterFormat.PickleWeightsFile);
        if (File.Exists(pickle))
            return CheckpointReader.ReadPickle(pickle);
        throw new FileNotFoundException($"No {PeftAdapterFormat.WeightsFile} or {PeftAdapterFormat.PickleWeightsFile} in '{folder}'.");
    }

    /// <summary>Groups `base_model.model.&lt;path&gt;.lora_{A,B}.weight` by path; any other tensor is an error.</summary>
    private static Dictionary<string, (Tensor A, Tensor B)> AdaptersByModule(Dictionary<string, Tensor> tensors, string folder)
    {
        var a = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var b = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        foreach (var (key, tensor) in tensors)
        {
            var rest = key.StartsWith(PeftAdapterFormat.KeyPrefix, StringComparison.Ordinal) ? key[PeftAdapterFormat.KeyPrefix.Length..] : null;
            if (rest?.EndsWith(PeftAdapterFormat.LoraASuffix, StringComparison.Ordinal) == true)
                a[rest[..^PeftAdapterFormat.LoraASuffix.Length]] = tensor;
            else if (rest?.EndsWith(PeftAdapterFormat.LoraBSuffix, StringComparison.Ordinal) == true)
                b[rest[..^PeftAdapterFormat.LoraBSuffix.Length]] = tensor;
            else
                unexpected.Add(key);
        }
        if (unexpected.Count > 0)
            throw new InvalidDataException(
                $"The adapter in '{folder}' holds tensors other than LoRA A/B matrices, which are not supported: {string.Join(", ", unexpected.Order(StringComparer.Ordinal))}.");
        var unpaired = a.Keys.Except(b.Keys).Concat(b.Keys.Except(a.Keys)).Order(StringComparer.Ordinal).ToList();
        if (unpaired.Count > 0)
            throw new InvalidDataException($"The adapter in '{folder}' lacks lora_A or lora_B for: {string.Join(", ", unpaired)}.");
        if (a.Count == 0)
            throw new InvalidDataException($"The adapter in '{folder}' holds no LoRA weights.");
        return a.Keys.ToDictionary(path => path, path => (a[path], b[path]), StringComparer.Ordinal);
    }
}
