using TorchSharp;
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
        using var scope = NewDisposeScope();
        var adapter = PeftAdapterWeights.Read(adapterFolder);
        var paths = adapter.CheckFits(model);
        var config = adapter.Config;
        LoraInjector.Wrap(model, paths, config, generator: null);
        using (no_grad())
        {
            foreach (var (path, layer) in LoraLayers.Find(model))
            {
                layer.LoraA.copy_(adapter.ByModule[path].A);
                layer.LoraB.copy_(adapter.ByModule[path].B);
            }
        }
        LoraInjector.Freeze(model, trainAdapters: trainable);
        return new PeftAdapter(config, adapter.TaskType, adapter.BaseModel, paths);
    }
}
