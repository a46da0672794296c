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
    public static (Tensor LogProbs, Tensor Correct) Compute(Tensor hidden, Tensor targets, Func<Tensor, Tensor> head, int chunkPositions)
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
        var chunks = new List<Tensor>();
        for (long start = 0; start < positions; start += chunkPositions)
        {
            long length = Math.Min(chunkPositions, positions - start);
            // The targets go in as an input, not captured: autograd keeps inputs alive until the backward pass,
            // while this method's scope frees what it made when it returns.
            Func<Tensor[], Tensor> body = inputs => Scores(head(inputs[0]), inputs[1]);
            Tensor[] inputs = [hidden.narrow(0, start, length), targets.narrow(0, start, length)];
            if (recompute)
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
