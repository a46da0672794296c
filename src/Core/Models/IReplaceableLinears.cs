using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// A module whose linear layers (nn.Linear, GPT-2's Conv1D) can be swapped for another module with the same
/// forward, such as a LoRA wrapper. Family modules keep their linears in private fields named after the checkpoint
/// (TorchSharp registers fields by name and forward reads the field), so swapping has to happen inside the module:
/// re-registering a child on the parent alone would leave forward calling the old layer.
/// </summary>
public interface IReplaceableLinears
{
    /// <summary>
    /// Puts <paramref name="replacement"/> in place of the linear child <paramref name="name"/> ("q", "c_attn"):
    /// forward uses it from now on and it is registered under the same name, so its tensors keep that prefix.
    /// </summary>
    void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement);
}
