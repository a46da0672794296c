using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// Each labelled position's log-probability of its label and whether the argmax got it right, computed from final
/// hidden states through the output head a chunk of positions at a time, so that the (tokens × vocabulary) logits
/// are never held at once. While training, each chunk's logits are recomputed in the backward pass
/// (<see cref="RecomputedInBackward"/>), which then holds one chunk's logits and their gradient at a time; the head's
/// weights (an untied lm_head, a tied embedding, LoRA adapters) get their gradients chunk by chunk.
/// </summary>
/// <remarks>
/// The loss functions built on it (<see cref="CausalLmLoss.ComputeInChunks"/>, <see cref="Seq2SeqLoss.ComputeInChunks"/>,
/// the DPO log-prob sums) equal their full-logits counterparts up to float rounding: the same log-softmax, summed in
/// another order.
/// </remarks>
public static class ChunkedTokenScores
{
    /// <summary>
    /// Scores of positions <paramref name="hidden"/> [N, D] against <paramref name="targets"/> [N] (int64, with
    /// <see cref="CausalLmLoss.IgnoreIndex"/> where there is no label), <paramref name="chunkPositions"/> rows at a time.
    /// </summary>
    /// <param name="head">Hidden states [n, D] → logits [n, V] float32 (the model's output head).</param>
    /// <returns>Log-probs [N] fp32 (0 at unlabelled positions, with autograd while training) and correct [N] bool
    /// (false at unlabelled positions).</returns>
    /// <param name="gradientInForward">Whether, when the head is frozen, each chunk's gradient may be taken in the forward
    /// pass (<see cref="WithGradientTakenNow"/>) instead of recomputing the chunk in the backward pass. The token-mean
    /// losses pass true. The DPO log-prob sums pass false: there each sequence's positions get their own upstream factor,
    /// and multiplying it in after the head's product instead of before moved the adapters' gradients on qwen2-tiny by up to
    /// 6.7e-6 (of 5.4), past the gradient tests' tolerance (ChunkedLossTests), so DPO keeps the recomputation.</param>
    public static (Tensor LogProbs, Tensor Correct) Compute(Tensor hidden, Tensor targets, Func<Tensor, Tensor> head, int chunkPositions,
        bool gradientInForward = false)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkPositions);
        if (hidden.dim() != 2 || targets.dim() != 1 || hidden.shape[0] != targets.shape[0])
            throw new ArgumentException($"Hidden states [N, D] and targets [N] expected; got [{string.Join(", ", hidden.shape)}] and [{string.Join(", ", targets.shape)}].");
        using var scope = NewDisposeScope();
        long positions = hidden.shape[0];
        bool recompute = is_grad_enabled();
        bool gradientNow = gradientInForward && recompute && hidden.requires_grad && HeadIsFrozen(head, hidden);
        var chunks = new List<Tensor>();
        for (long start = 0; start < positions; start += chunkPositions)
        {
            long length = Math.Min(chunkPositions, positions - start);
            // The targets go in as an input, not captured: autograd keeps inputs alive until the backward pass,
            // while this method's scope frees what it made when it returns.
            Func<Tensor[], Tensor> body = inputs => Scores(head(inputs[0]), inputs[1]);
            Tensor[] inputs = [hidden.narrow(0, start, length), targets.narrow(0, start, length)];
            if (gradientNow)
            {
                chunks.Add(WithGradientTakenNow(inputs[0], inputs[1], head));
            }
            else if (recompute)
            {
                chunks.Add(RecomputedInBackward.Apply(body, inputs, replayRandomness: false));
            }
            else
            {
                // No graph to keep: the chunk's logits go with its scope.
                using var chunkScope = NewDisposeScope();
                chunks.Add(body(inputs).MoveToOuterDisposeScope());
            }
        }
        Tensor scores = cat(chunks, 0); // (N, 2)
        return (scores[.., 0].MoveToOuterDisposeScope(), scores[.., 1].detach().gt(0.5).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Whether no weight of the head wants a gradient (LoRA and QLoRA leave the output head frozen): then a chunk's
    /// gradient with respect to its hidden states can be taken in the forward pass (<see cref="WithGradientTakenNow"/>).
    /// One position through the head, from a detached copy: its result wants a gradient only through the head's weights.
    /// </summary>
    private static bool HeadIsFrozen(Func<Tensor, Tensor> head, Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return !head(hidden.narrow(0, 0, 1).detach()).requires_grad;
    }

    /// <summary>
    /// A chunk's scores (as <see cref="Scores"/>) whose gradient with respect to <paramref name="hidden"/> [n, D] was
    /// taken now, so the backward pass neither recomputes the chunk's logits nor multiplies through the head again: one
    /// product with the output head fewer per position (on the TinyLlama shape, 2·32,000·2,048 FLOPs per position) than
    /// recomputing it. Valid because each position's log-probability depends on its own hidden state only and the
    /// head's weights take no gradient: the gradient of row i for an upstream g is g_i · ∂logp_i/∂h_i, and
    /// ∂logp_i/∂h_i is row i of ∂(Σ_j logp_j)/∂h. What autograd sees is logp + (h·u) − (h·u) with u = that gradient
    /// and the last term detached: the value is logp exactly, the gradient is g_i · u_i. Keeps u (the size of the
    /// chunk's hidden states) instead of the hidden states.
    /// </summary>
    private static Tensor WithGradientTakenNow(Tensor hidden, Tensor targets, Func<Tensor, Tensor> head)
    {
        using var scope = NewDisposeScope();
        Tensor scores, gradient;
        using (var chunkScope = NewDisposeScope())
        {
            var leaf = hidden.detach().requires_grad_(true);
            var computed = Scores(head(leaf), targets);
            gradient = autograd.grad([computed[.., 0].sum()], [leaf])[0].MoveToOuterDisposeScope();
            scores = computed.detach().MoveToOuterDisposeScope();
        }
        var surrogate = (hidden * gradient).sum(-1).to(ScalarType.Float32); // [n]; its gradient for hidden is u
        var logProbs = scores[.., 0] + (surrogate - surrogate.detach());
        return stack([logProbs, scores[.., 1]], 1).MoveToOuterDisposeScope();
    }

    /// <summary>[n, 2] fp32: the label's log-softmax (0 when unlabelled) and 1 where the argmax is the label.</summary>
    private static Tensor Scores(Tensor logits, Tensor targets)
    {
        Tensor labelled = targets.ne(CausalLmLoss.IgnoreIndex);
        // An ignored label is no vocabulary index; any valid one will do, its value is masked out.
        Tensor index = targets.masked_fill(labelled.logical_not(), 0).unsqueeze(-1);
        Tensor logProbs = (logits.gather(-1, index).squeeze(-1) - logits.logsumexp(-1)).masked_fill(labelled.logical_not(), 0);
        Tensor correct = logits.argmax(-1).eq(targets).logical_and(labelled).to_type(ScalarType.Float32);
        return stack([logProbs, correct], 1);
    }
}
