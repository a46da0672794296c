using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// Loss and decoder inputs for encoder-decoder LMs, as transformers' T5ForConditionalGeneration computes them:
/// the decoder input is the labels shifted right, so logits at t are scored against labels at t (no shift here).
/// </summary>
public static class Seq2SeqLoss
{
    /// <summary>Label value for positions without loss (PyTorch's <c>ignore_index</c> default).</summary>
    public const int IgnoreIndex = CausalLmLoss.IgnoreIndex;

    /// <summary>
    /// Mean cross-entropy of logits [B, T, V] against labels [B, T] over all labelled positions of the batch, in
    /// fp32 whatever the model's dtype. Returns a scalar tensor; NaN when no position is labelled.
    /// </summary>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var predictions = logits.to_type(ScalarType.Float32).reshape(-1, logits.shape[^1]); // (B*T, V)
        var loss = nn.functional.cross_entropy(predictions, labels.reshape(-1), ignore_index: IgnoreIndex);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Compute"/> and <see cref="CountCorrect"/> from the decoder's final hidden states [B, T, D] instead of
    /// the logits, the output head <paramref name="head"/> running on <paramref name="chunkPositions"/> positions at a
    /// time (<see cref="ChunkedTokenScores"/>), so the full logits never exist.
    /// </summary>
    public static (Tensor Loss, Tensor Correct) ComputeInChunks(Tensor hidden, Tensor labels, Func<Tensor, Tensor> head, int chunkPositions)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        Tensor targets = labels.reshape(-1); // (B*T)
        (Tensor logProbs, Tensor correct) = ChunkedTokenScores.Compute(hidden.reshape(-1, hidden.shape[^1]), targets, head, chunkPositions, gradientInForward: true);
        Tensor loss = -logProbs.sum() / targets.ne(IgnoreIndex).sum().to_type(ScalarType.Float32);
        return (loss.MoveToOuterDisposeScope(), correct.sum().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// How many labelled positions the argmax of the logits gets right, as an int64 scalar tensor on the logits'
    /// device (left there so a training loop need not wait for it).
    /// </summary>
    public static Tensor CountCorrect(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var correct = logits.argmax(-1).eq(labels).logical_and(labels.ne(IgnoreIndex)).sum();
        return correct.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// HF <c>_shift_right</c>: decoder input ids [B, T] = the start token, then labels[:, :-1], with ignored
    /// labels (-100) replaced by the pad id so the embedding never sees a negative id.
    /// </summary>
    public static Tensor ShiftRight(Tensor labels, int decoderStartTokenId, int padTokenId = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var start = full(labels.shape[0], 1, decoderStartTokenId, labels.dtype, labels.device);
        var shifted = cat([start, labels[.., ..^1]], 1);
        return shifted.masked_fill(shifted.eq(IgnoreIndex), padTokenId).MoveToOuterDisposeScope();
    }
}
