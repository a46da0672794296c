using TorchSharp;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// A decoder-only language model: input ids [batch, time] (int64) in, logits [batch, time, vocab] (float32) out.
/// Attention is causal; with right padding, real positions never see padded ones, so no mask is needed for training.
/// </summary>
public abstract class CausalLanguageModel : nn.Module<Tensor, Tensor>, IBlockCheckpointedModel
{
    protected CausalLanguageModel(string name) : base(name) { }

    /// <summary>Activation checkpointing of the decoder blocks; off until a trainer turns it on. Models without blocks
    /// to checkpoint ignore it.</summary>
    public BlockCheckpointing Checkpointing { get; } = new();

    /// <summary>Whether <see cref="HiddenStates"/> and <see cref="Logits"/> are implemented, so that a loss can take the
    /// output head chunk by chunk instead of holding [B, T, V] logits.</summary>
    public virtual bool SplitsOutputHead => false;

    /// <summary>
    /// The final hidden states [B, T, D] (after the final norm) that <c>forward</c> (<paramref name="segmentIds"/>
    /// null) or <see cref="ForwardPacked"/> turns into logits: <c>Logits(HiddenStates(ids, s))</c> equals them.
    /// </summary>
    public virtual Tensor HiddenStates(Tensor inputIds, Tensor? segmentIds) =>
        throw new NotSupportedException($"{GetType().Name} does not split its output head from its body.");

    /// <summary>The output head: logits [..., V] float32 for final hidden states [..., D], with any final transform
    /// (tied embeddings, logit soft-capping).</summary>
    public virtual Tensor Logits(Tensor hidden) =>
        throw new NotSupportedException($"{GetType().Name} does not split its output head from its body.");

    public abstract int VocabSize { get; }

    /// <summary>The longest sequence the model was trained for (config `max_position_embeddings`).</summary>
    public abstract int MaxPositions { get; }

    /// <summary>A cache for incremental decoding with <see cref="Forward(Tensor, KeyValueCache)"/>; null when this model has none.</summary>
    public virtual KeyValueCache? CreateCache() => null;

    /// <summary>
    /// Logits [B, T, V] for new ids [B, T] at positions cache.Length.. given the cached past; the cache grows by T.
    /// Must equal the last T positions of <c>forward</c> over the whole sequence.
    /// </summary>
    public virtual Tensor Forward(Tensor inputIds, KeyValueCache cache) =>
        throw new NotSupportedException($"{GetType().Name} has no key/value cache; generate by recomputing the whole sequence.");

    /// <summary>Whether <see cref="ForwardLeftPadded"/> is implemented (prompts of different lengths in one batch).</summary>
    public virtual bool SupportsLeftPadding => false;

    /// <summary>
    /// Logits [B, T, V] for a left-padded batch. <paramref name="attentionMask"/> [B, past + T] (1 = token,
    /// 0 = padding) covers the cached positions and the new ones, and each row's positions count only its tokens
    /// (HF generate's position_ids = cumsum(mask) - 1), so a row's logits at its real positions equal the row's
    /// alone. With a cache, the ids are the new positions and the cache grows by T; without one (null), they are
    /// the whole sequence.
    /// </summary>
    public virtual Tensor ForwardLeftPadded(Tensor inputIds, Tensor attentionMask, KeyValueCache? cache) =>
        throw new NotSupportedException($"{GetType().Name} cannot mask left padding; batch prompts of equal length only.");

    /// <summary>Whether <see cref="ForwardPacked"/> is implemented (several examples packed into one row).</summary>
    public virtual bool SupportsPacking => false;

    /// <summary>
    /// Logits [B, T, V] for rows that pack several examples. <paramref name="segmentIds"/> [B, T] int64 numbers the
    /// examples of a row 1, 2, 3, … (each a contiguous run) and marks padding 0. Attention is causal and stays
    /// inside each example, and positions restart at 0 where an example starts, so an example's logits equal those
    /// of the example run alone (see <see cref="PackedSegments"/>).
    /// </summary>
    public virtual Tensor ForwardPacked(Tensor inputIds, Tensor segmentIds) =>
        throw new NotSupportedException($"{GetType().Name} cannot keep packed examples apart; train without packing.");
}
