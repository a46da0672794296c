using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Checkpointing;

/// <summary>
/// Activation checkpointing per block, as HF's gradient_checkpointing_enable: while on, each block of a model in
/// training mode with grad enabled keeps only its inputs in the forward pass and runs again in the backward pass
/// (<see cref="RecomputedInBackward"/>), so activations no longer grow with the number of layers, for about a third
/// more compute. Inference and evaluation (eval mode or no_grad) never pay for it. One instance is shared by all the
/// blocks of a model; the trainer switches it on for a run.
/// </summary>
public sealed class BlockCheckpointing
{
    /// <summary>Whether blocks run checkpointed (when training with grad enabled).</summary>
    public bool Enabled { get; set; }

    /// <summary>Called after each checkpointed block's backward pass (see <see cref="BlockGradientsReady"/>).</summary>
    public BlockGradientsReady? GradientsReady { get; set; }

    /// <summary>
    /// <paramref name="body"/>(<paramref name="inputs"/>): the forward of <paramref name="block"/>, checkpointed when
    /// enabled and training with grad, run plainly otherwise. The inputs are the tensors through which gradient flows
    /// into the block (hidden states, and e.g. a T5 decoder's encoder output and position bias); the body may close
    /// over tensors that need none (masks, rotary angles) as long as they live until the backward pass, but never over
    /// a key/value cache, which a recomputation would append to twice. Dropout inside the block draws the same masks in the recomputation.
    /// </summary>
    public Tensor Run(nn.Module block, Func<Tensor[], Tensor> body, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(body);
        if (!Enabled || !block.training || !is_grad_enabled())
            return body(inputs);
        BlockGradientsReady? ready = GradientsReady;
        return RecomputedInBackward.Apply(body, inputs, replayRandomness: true, ready is null ? null : () => ready(block));
    }
}
