using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// Saves a model's LoRA adapters as PEFT's save_pretrained does, so `PeftModel.from_pretrained(base, folder)`
/// loads them: adapter_config.json plus adapter_model.safetensors holding lora_A [r, in] and lora_B [out, r] of
/// every wrapped module under `base_model.model.&lt;module path&gt;.lora_{A,B}.weight` (fp32, `format` "pt").
/// </summary>
public static class PeftAdapterWriter
{
    /// <summary>
    /// Writes <paramref name="folder"/> atomically (a hidden sibling renamed into place when complete), replacing
    /// an existing folder as a whole.
    /// </summary>
    /// <param name="config">The configuration the adapters were made with; checked against the layers.</param>
    /// <param name="baseModelName">base_model_name_or_path: the Hub id or folder the adapter applies to.</param>
    /// <param name="taskType"><see cref="PeftTaskTypes.CausalLm"/> or <see cref="PeftTaskTypes.Seq2SeqLm"/>.</param>
    public static void Save(nn.Module model, LoraConfig config, string folder, string baseModelName, string taskType)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModelName);
        if (taskType is not (PeftTaskTypes.CausalLm or PeftTaskTypes.Seq2SeqLm))
            throw new ArgumentException($"task_type must be {PeftTaskTypes.CausalLm} or {PeftTaskTypes.Seq2SeqLm}, got '{taskType}'.", nameof(taskType));
        var layers = LoraLayers.Find(model);
        if (layers.Count == 0)
            throw new InvalidOperationException("The model has no LoRA layers to save.");
        foreach (var (path, layer) in layers)
            if (layer.Rank != config.R || layer.Scaling != config.Scaling)
                throw new ArgumentException(
                    $"The LoRA layer '{path}' has r {layer.Rank} and scaling {layer.Scaling}; the config says r {config.R}, scaling {config.Scaling}.",
                    nameof(config));

        AtomicFolder.Write(folder, staging =>
        {
            using (var scope = NewDisposeScope())
            {
                var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var (path, layer) in layers)
                {
                    tensors[PeftAdapterFormat.LoraAKey(path)] = layer.LoraA.detach().to(ScalarType.Float32);
                    tensors[PeftAdapterFormat.LoraBKey(path)] = layer.LoraB.detach().to(ScalarType.Float32);
                }
                SafetensorsWriter.Write(Path.Combine(staging, PeftAdapterFormat.WeightsFile), tensors,
                    new Dictionary<string, string> { ["format"] = "pt" });
            }
            PeftAdapterConfigJson.Write(Path.Combine(staging, PeftAdapterFormat.ConfigFile), config,
                SavedTargetModules(config, layers), layers.Any(l => l.Layer.FanInFanOut), baseModelName, taskType);
        });
    }

    /// <summary>
    /// The target_modules to record. A default or "all-linear" is resolved to the wrapped modules' names, as PEFT
    /// resolves "all-linear" before saving, so a reader needs no family table; an explicit list is kept as given.
    /// </summary>
    private static IReadOnlyList<string> SavedTargetModules(LoraConfig config, IReadOnlyList<(string Path, LoraLinear Layer)> layers) =>
        config.TargetModules is null or [LoraConfig.AllLinear]
            ? layers.Select(l => LoraTargets.LastName(l.Path)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : config.TargetModules.Distinct(StringComparer.Ordinal).ToList();
}
