using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// A module whose tensors in a Hugging Face checkpoint are not its state_dict() entries: a LoRA layer keeps its
/// base weight plus the adapter matrices, while the checkpoint holds the merged weight alone. The writer asks such
/// modules for their checkpoint tensors and writes those in place of everything under the module's prefix.
/// </summary>
public interface ICheckpointTensorSource
{
    /// <summary>The tensors to save, by name relative to the module ("weight", "bias"); computed without autograd.</summary>
    IReadOnlyDictionary<string, Tensor> CheckpointTensors();
}
