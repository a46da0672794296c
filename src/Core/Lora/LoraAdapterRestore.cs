using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// Puts saved adapter values (a PEFT adapter folder) into adapters already wrapped around a model, e.g. to resume a
/// LoRA run: the wrapping comes from the job's settings, the values from its checkpoint.
/// </summary>
public static class LoraAdapterRestore
{
    public static void CopyInto(nn.Module model, string adapterFolder)
    {
        var tensors = CheckpointReader.ReadSafetensors(Path.Combine(adapterFolder, PeftAdapterFormat.WeightsFile));
        try
        {
            using var noGrad = no_grad();
            foreach (var (path, layer) in LoraLayers.Find(model))
            {
                layer.LoraA.copy_(Required(tensors, PeftAdapterFormat.LoraAKey(path), adapterFolder));
                layer.LoraB.copy_(Required(tensors, PeftAdapterFormat.LoraBKey(path), adapterFolder));
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    static Tensor Required(Dictionary<string, Tensor> tensors, string key, string folder) =>
        tensors.TryGetValue(key, out var t) ? t : throw new InvalidDataException($"The adapter in '{folder}' has no tensor '{key}'.");
}
