using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>
/// HF `T5ForConditionalGeneration` (T5 v1.0, v1.1, FLAN-T5). Field names are the checkpoint's tensor names:
/// shared.weight, encoder.block.N.layer.0.SelfAttention.q.weight, ..., decoder.final_layer_norm.weight, and
/// lm_head.weight only when the embeddings are untied. Encoder input, decoder input and (when tied) the output
/// projection all use shared.weight, so it exists, trains and is saved once, as HF save_pretrained does.
/// </summary>
public sealed class T5ForConditionalGeneration : Seq2SeqLanguageModel
{
    private readonly Embedding shared;
    private readonly T5Stack encoder;
    private readonly T5Stack decoder;
    private readonly Linear? lm_head;

    public T5ForConditionalGeneration(T5Config config) : base(nameof(T5ForConditionalGeneration))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        shared = nn.Embedding(config.VocabSize, config.DModel);
        encoder = new T5Stack(config, isDecoder: false, Checkpointing);
        decoder = new T5Stack(config, isDecoder: true, Checkpointing);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.DModel, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public T5Config Config { get; }
    public override int VocabSize => Config.VocabSize;
    public override int DecoderStartTokenId => Config.DecoderStartTokenId;

    /// <summary>Logits [B, T, V] float32; no encoder padding mask (as HF forward without attention_mask).</summary>
    public override Tensor forward(Tensor inputIds, Tensor decoderInputIds) => forward(inputIds, null, decoderInputIds);

    /// <summary>
    /// Logits [B, T, V] float32 for input ids [B, S] with an optional padding mask [B, S] (1 = token) and decoder
    /// ids [B, T] (labels shifted right). Padded batches need the mask: the encoder is bidirectional, so without it
    /// real tokens attend to padding.
    /// </summary>
    public Tensor forward(Tensor inputIds, Tensor? attentionMask, Tensor decoderInputIds) =>
        Decode(decoderInputIds, Encode(inputIds, attentionMask), attentionMask, cache: null);

    public override Tensor Encode(Tensor inputIds, Tensor? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        return encoder.Encode(shared.forward(inputIds), attentionMask);
    }

    public override Tensor Decode(Tensor decoderInputIds, Tensor encoderHidden, Tensor? encoderAttentionMask, KeyValueCache? cache)
    {
        ArgumentNullException.ThrowIfNull(decoderInputIds);
        ArgumentNullException.ThrowIfNull(encoderHidden);
        return Logits(decoder.Decode(shared.forward(decoderInputIds), encoderHidden, encoderAttentionMask, cache));
    }

    public override Tensor DecoderHiddenStates(Tensor decoderInputIds, Tensor encoderHidden, Tensor? encoderAttentionMask)
    {
        ArgumentNullException.ThrowIfNull(decoderInputIds);
        ArgumentNullException.ThrowIfNull(encoderHidden);
        return decoder.Decode(shared.forward(decoderInputIds), encoderHidden, encoderAttentionMask, cache: null);
    }

    public override Tensor Logits(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        Tensor logits;
        if (lm_head is null)
        {
            // "Rescale output before projecting on vocab" (HF): only the tied projection is scaled.
            hidden = hidden * Math.Pow(Config.DModel, -0.5);
            logits = nn.functional.linear(hidden, shared.weight!);
        }
        else
        {
            logits = lm_head.forward(hidden);
        }
        return logits.to(ScalarType.Float32);
    }

    /// <summary>Slots 0..L-1 hold decoder self-attention keys/values, L..2L-1 the cross-attention ones.</summary>
    public override KeyValueCache CreateDecoderCache() => new(2 * Config.NumDecoderLayers);
}
