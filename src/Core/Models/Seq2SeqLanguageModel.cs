using TorchSharp;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// An encoder-decoder language model (T5): the encoder reads the input, the decoder predicts the target.
/// forward(input ids [B, S], decoder input ids [B, T]) → logits [B, T, V] float32.
/// </summary>
public abstract class Seq2SeqLanguageModel : nn.Module<Tensor, Tensor, Tensor>, IBlockCheckpointedModel
{
    protected Seq2SeqLanguageModel(string name) : base(name) { }

    /// <summary>Activation checkpointing of the encoder and decoder blocks; off until a trainer turns it on.</summary>
    public BlockCheckpointing Checkpointing { get; } = new();

    public abstract int VocabSize { get; }

    /// <summary>The id the decoder starts from (config `decoder_start_token_id`; T5: the pad id 0).</summary>
    public abstract int DecoderStartTokenId { get; }

    /// <summary>Encoder states [B, S, D] for input ids [B, S] with an optional padding mask [B, S] (1 = token).</summary>
    public abstract Tensor Encode(Tensor inputIds, Tensor? attentionMask);

    /// <summary>A cache for incremental decoding with <see cref="Decode"/>, for one encoder output.</summary>
    public abstract KeyValueCache CreateDecoderCache();

    /// <summary>
    /// Decoder logits [B, T, V] float32 for decoder ids [B, T] given the encoder states. With a cache, the ids are
    /// the new positions only (starting at cache.Length) and the cache grows by T; the output must equal the
    /// uncached computation.
    /// </summary>
    public abstract Tensor Decode(Tensor decoderInputIds, Tensor encoderHidden, Tensor? encoderAttentionMask, KeyValueCache? cache);

    /// <summary>
    /// The decoder's final hidden states [B, T, D] (no cache) that <see cref="Decode"/> turns into logits:
    /// <c>Logits(DecoderHiddenStates(...))</c> equals <c>Decode(..., cache: null)</c>.
    /// </summary>
    public abstract Tensor DecoderHiddenStates(Tensor decoderInputIds, Tensor encoderHidden, Tensor? encoderAttentionMask);

    /// <summary>The output head: logits [..., V] float32 for decoder hidden states [..., D].</summary>
    public abstract Tensor Logits(Tensor hidden);
}
