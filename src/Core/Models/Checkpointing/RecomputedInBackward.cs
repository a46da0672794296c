using static TorchSharp.torch;

namespace TuningService.Core.Models.Checkpointing;

/// <summary>
/// Runs a computation so that autograd keeps only its inputs: the forward pass runs it without a graph, and the
/// backward pass runs it again with one and back-propagates through that (the "reentrant" variant of
/// torch.utils.checkpoint). Parameters the computation uses get their gradients accumulated by the nested backward
/// pass, exactly as without recomputation; the inputs get theirs through the returned tensor.
/// </summary>
/// <remarks>
/// Written here rather than taken from a library: TorchSharp has no checkpoint utility, only custom autograd
/// functions to build one from (<see cref="RecomputingFunction"/>).
/// </remarks>
public static class RecomputedInBackward
{
    /// <summary>
    /// <paramref name="body"/> applied to <paramref name="inputs"/>, recomputed in the backward pass. The body must be
    /// a pure function of the inputs and the parameters it closes over (no cache to append to): it runs twice. Tensors
    /// it closes over must live until the backward pass (in the caller's dispose scope, not one that ends before);
    /// the inputs are kept alive by autograd. It must not throw in the recomputation: an exception in a backward pass
    /// cannot cross LibTorch's engine and ends the process. The result can be back-propagated once (no
    /// retain_graph): the replayed generator state is freed by the first backward pass.
    /// </summary>
    /// <param name="replayRandomness">Whether the body draws random numbers (dropout) that the recomputation must draw
    /// again: the generators' state before the forward is kept and put back around the recomputation.</param>
    /// <param name="afterBackward">Called when the nested backward pass has returned, so the gradients of every
    /// parameter used only inside the body are final.</param>
    public static Tensor Apply(Func<Tensor[], Tensor> body, Tensor[] inputs, bool replayRandomness, Action? afterBackward = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0)
            throw new ArgumentException("A recomputed body needs at least one input tensor.", nameof(inputs));
        if (is_grad_enabled() && !inputs.Any(input => input.requires_grad))
        {
            // A custom function whose inputs need no gradient gets no backward node, so the body's own parameters
            // (LoRA adapters after a frozen embedding) would get no gradient. A fresh leaf that wants one makes the
            // node; it has no history, so this changes nothing upstream.
            inputs = [inputs[0].detach().requires_grad_(true), .. inputs[1..]];
        }
        object[] vars = [new RecomputeRecipe(body, replayRandomness, afterBackward), .. inputs];
        return RecomputingFunction.apply(vars);
    }
}
