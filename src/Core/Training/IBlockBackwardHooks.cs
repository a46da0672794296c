using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// A model that reports when the backward pass has finished the gradients of one of its blocks (decoder layers,
/// encoder/decoder blocks): the hook <see cref="TrainingOptions.OptimizerInBackward"/> needs to step and free each
/// block's weights before the backward pass reaches the blocks below. PyTorch's <c>register_post_accumulate_grad_hook</c>
/// does it per parameter; TorchSharp has no such hook, so the model calls back per block.
/// </summary>
/// <remarks>
/// One way a model can call it: an autograd identity function on the block's input whose backward invokes
/// <see cref="BlockBackward"/>. When that backward runs, the block's parameter gradients are final: the input's gradient
/// needs every backward node of the block first, and libtorch's engine runs a parameter's gradient accumulation
/// (<c>AccumulateGrad</c>, highest priority) as soon as it is ready. With activation checkpointing, the call belongs
/// after the block's recomputation and backward.
/// </remarks>
public interface IBlockBackwardHooks
{
    /// <summary>Called with the block's module once per backward pass of the block; null when nothing listens.</summary>
    Action<nn.Module>? BlockBackward { get; set; }
}
