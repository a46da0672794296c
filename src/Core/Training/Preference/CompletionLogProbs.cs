using static TorchSharp.torch;

namespace TuningService.Core.Training.Preference;

/// <summary>
/// Log-probabilities of the completion tokens of right-padded rows, as TRL's DPOTrainer scores a pair's answers:
/// the log-softmax at position t of the token at t + 1, for every labelled token (the completion, its end token
/// included), summed per row, not averaged: a longer answer is a less likely one.
/// </summary>
public static class CompletionLogProbs
{
    /// <summary>
    /// Per-token log-probs [B, T-1] of logits [B, T, V] against labels [B, T] (the token ids on completion positions,
    /// <see cref="CausalLmLoss.IgnoreIndex"/> elsewhere): position t scores the label at t + 1, 0 where there is none.
    /// In fp32 whatever the logits' dtype (as TRL's selective_log_softmax for fp32: the logit minus the logsumexp).
    /// </summary>
    public static Tensor PerToken(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        Tensor shifted = logits[.., ..^1, ..].to_type(ScalarType.Float32); // (B, T-1, V)
        Tensor targets = labels[.., 1..];                                 // (B, T-1)
        Tensor scored = targets.ne(CausalLmLoss.IgnoreIndex);
        // An ignored label is no vocabulary index; any valid one will do, its value is masked out.
        Tensor index = targets.masked_fill(scored.logical_not(), 0).unsqueeze(-1);
        Tensor perToken = shifted.gather(-1, index).squeeze(-1) - shifted.logsumexp(-1);
        return perToken.masked_fill(scored.logical_not(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>The sum over each row's completion tokens: [B] fp32.</summary>
    public static Tensor Sum(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return PerToken(logits, labels).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Sum"/> [B] and the correctly predicted completion tokens (int64 scalar) from the final hidden states
    /// [B, T, D] instead of the logits, the output head <paramref name="head"/> running on
    /// <paramref name="chunkPositions"/> positions at a time (<see cref="ChunkedTokenScores"/>).
    /// </summary>
    public static (Tensor Sums, Tensor Correct) SumInChunks(Tensor hidden, Tensor labels, Func<Tensor, Tensor> head, int chunkPositions)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        Tensor predictions = hidden[.., ..^1, ..].reshape(-1, hidden.shape[^1]); // (B*(T-1), D)
        (Tensor logProbs, Tensor correct) = ChunkedTokenScores.Compute(predictions, labels[.., 1..].reshape(-1), head, chunkPositions);
        Tensor sums = logProbs.reshape(labels.shape[0], labels.shape[1] - 1).sum(1);
        return (sums.MoveToOuterDisposeScope(), correct.sum().MoveToOuterDisposeScope());
    }

    /// <summary>Completion tokens per row (those <see cref="Sum"/> adds up): [B] fp32.</summary>
    public static Tensor Count(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        return labels[.., 1..].ne(CausalLmLoss.IgnoreIndex).sum(1).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
