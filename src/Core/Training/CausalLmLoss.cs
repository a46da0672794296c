using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>Next-token cross-entropy for causal LMs, the same as transformers' <c>ForCausalLMLoss</c>.</summary>
public static class CausalLmLoss
{
    /// <summary>Label value for positions without loss (PyTorch's <c>ignore_index</c> default).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>
    /// Mean cross-entropy of logits [B, T, V] at position t against labels [B, T] at t + 1, over all labelled
    /// positions of the batch (not a mean of per-row means). Computed in fp32 whatever the model's dtype:
    /// a bf16 log-softmax over a large vocabulary loses digits, and bf16 scalars cannot be read back.
    /// Returns a scalar tensor; NaN when no position is labelled.
    /// </summary>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        long vocab = logits.shape[^1];
        Tensor predictions = logits[.., ..^1, ..].to_type(ScalarType.Float32).reshape(-1, vocab); // (B*(T-1), V)
        Tensor targets = labels[.., 1..].reshape(-1);                                             // (B*(T-1))
        Tensor loss = nn.functional.cross_entropy(predictions, targets, ignore_index: IgnoreIndex);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Compute"/> and <see cref="CountCorrect"/> from the final hidden states [B, T, D] instead of the logits:
    /// the output head <paramref name="head"/> (hidden [n, D] → logits [n, V] fp32) runs on
    /// <paramref name="chunkPositions"/> positions at a time (<see cref="ChunkedTokenScores"/>), so the full logits
    /// never exist. The same token-weighted mean: NaN when no position is labelled.
    /// </summary>
    public static (Tensor Loss, Tensor Correct) ComputeInChunks(Tensor hidden, Tensor labels, Func<Tensor, Tensor> head, int chunkPositions)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        Tensor predictions = hidden[.., ..^1, ..].reshape(-1, hidden.shape[^1]); // (B*(T-1), D)
        Tensor targets = labels[.., 1..].reshape(-1);                            // (B*(T-1))
        (Tensor logProbs, Tensor correct) = ChunkedTokenScores.Compute(predictions, targets, head, chunkPositions, gradientInForward: true);
        Tensor loss = -logProbs.sum() / targets.ne(IgnoreIndex).sum().to_type(ScalarType.Float32);
        return (loss.MoveToOuterDisposeScope(), correct.sum().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// How many labelled next-token positions the argmax of the logits gets right, as an int64 scalar tensor on the
    /// logits' device (left there so the training loop need not wait for it).
    /// </summary>
    public static Tensor CountCorrect(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        Tensor predicted = logits[.., ..^1, ..].argmax(-1); // (B, T-1)
        Tensor targets = labels[.., 1..];                   // (B, T-1)
        Tensor correct = predicted.eq(targets).logical_and(targets.ne(IgnoreIndex)).sum();
        return correct.MoveToOuterDisposeScope();
    }
}
