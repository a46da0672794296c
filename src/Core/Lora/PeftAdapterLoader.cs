using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// Applies a PEFT LoRA adapter folder to a loaded base model, as `PeftModel.from_pretrained(base, folder)` does:
/// each module the adapter file names is wrapped in a <see cref="LoraLinear"/> carrying the file's A and B, and the
/// adapter's r, lora_alpha and use_rslora set the scaling.
/// </summary>
public static class PeftAdapterLoader
{
    /// <summary>
    /// Reads adapter_config.json and adapter_model.safetensors (or the older adapter_model.bin) from
    /// <paramref name="adapterFolder"/> and puts the adapters on <paramref name="model"/>, which must be the base
    /// model the adapter was trained on (same module names and shapes). The file decides which modules are wrapped.
    /// Nothing in the model changes unless every tensor fits.
    /// </summary>
    /// <param name="trainable">Leave A and B trainable (PEFT's is_trainable); otherwise every parameter is frozen,
    /// as in PEFT's inference mode. The base is frozen either way.</param>
    public static PeftAdapter Apply(nn.Module model, string adapterFolder, bool trainable = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(adapterFolder);
        var (config, taskType, baseModel) = PeftAdapterConfigJson.Read(Path.Combine(adapterFolder, PeftAdapterFormat.ConfigFile));
        if (taskType is PeftTaskTypes.CausalLm or PeftTaskTypes.Seq2SeqLm && PeftTaskTypes.TryFor(model) is { } modelTask && modelTask != taskType)
            throw new InvalidDataException($"The adapter in '{adapterFolder}' is for a {taskType} model; this model is {modelTask}.");

        using var scope = NewDisposeScope();
        var adapters = AdaptersByModule(ReadTensors(adapterFolder), adapterFolder);
        var modules = LoraTargets.DepthFirst(model).ToDictionary(entry => entry.Path, entry => entry.Module, StringComparer.Ordinal);
        var unknown = adapters.Keys.Where(path => !modules.ContainsKey(path)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException(
                $"The adapter in '{adapterFolder}' names modules the model does not have: {string.Join(", ", unknown)} " +
                $"(it was made for '{baseModel ?? "an unnamed base model"}').");
        var paths = modules.Keys.Where(adapters.ContainsKey).ToList(); // module order
        foreach (var path in paths)
            CheckShapes(path, modules[path], adapters[path], config.R, adapterFolder);

        LoraInjector.Wrap(model, paths, config, generator: null);
        using (no_grad())
        {
            foreach (var (path, layer) in LoraLayers.Find(model))
            {
                layer.LoraA.copy_(adapters[path].A);
                layer.LoraB.copy_(adapters[path].B);
            }
        }
        LoraInjector.Freeze(model, trainAdapters: trainable);
        return new PeftAdapter(config, taskType, baseModel, paths);
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

    private static void CheckShapes(string path, nn.Module module, (Tensor A, Tensor B) adapter, int rank, string folder)
    {
        var (inFeatures, outFeatures) = LoraLinear.FeaturesOf(module);
        if (!adapter.A.shape.SequenceEqual([rank, inFeatures]) || !adapter.B.shape.SequenceEqual([outFeatures, rank]))
            throw new InvalidDataException(
                $"The adapter in '{folder}' gives '{path}' lora_A [{string.Join(", ", adapter.A.shape)}] and lora_B " +
                $"[{string.Join(", ", adapter.B.shape)}]; with r {rank} the layer needs [{rank}, {inFeatures}] and [{outFeatures}, {rank}].");
        if (!adapter.A.is_floating_point() || !adapter.B.is_floating_point())
            throw new InvalidDataException($"The adapter in '{folder}' stores '{path}' with a non-float dtype.");
    }
}
