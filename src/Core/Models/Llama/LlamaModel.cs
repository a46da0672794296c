using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>HF `LlamaModel` (the `model.` prefix): embeddings, decoder layers, final norm. Returns hidden states.</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly LlamaRmsNorm norm;
    private readonly RotaryEmbedding rotary;
    private readonly BlockCheckpointing checkpointing;

    /// <param name="checkpointing">The owning model's switch: checkpoints each decoder layer while training.</param>
    public LlamaModel(LlamaConfig config, BlockCheckpointing checkpointing) : base(nameof(LlamaModel))
    {
        this.checkpointing = checkpointing;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        norm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>The token embedding matrix [vocab, hidden]; the tied lm_head multiplies by it.</summary>
    public Parameter EmbeddingWeight => embed_tokens.weight!;

    /// <param name="inputIds">[B, T] int64.</param>
    /// <param name="attentionMask">Optional [B, T] (1 = token, 0 = padding). Positions are always 0..T-1, as in
    /// HF forward; with right padding the mask changes only the (meaningless) outputs at padded positions.</param>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        var positions = arange(inputIds.shape[1], ScalarType.Int64, inputIds.device).unsqueeze(0);
        return Run(inputIds, positions, attentionMask, cache: null);
    }

    /// <summary>Hidden states for new ids [B, T] at positions cache.Length.. given the cached past; the cache grows by T.</summary>
    public Tensor Forward(Tensor inputIds, KeyValueCache cache)
    {
        var past = cache.Length;
        var positions = arange(past, past + inputIds.shape[1], ScalarType.Int64, inputIds.device).unsqueeze(0);
        return Run(inputIds, positions, padding: null, cache);
    }

    /// <summary>
    /// Hidden states for a left-padded batch: <paramref name="attentionMask"/> [B, past + T] covers the cached and
    /// the new positions, and each row's positions count its tokens only (HF generate: cumsum(mask) - 1).
    /// </summary>
    public Tensor ForwardLeftPadded(Tensor inputIds, Tensor attentionMask, KeyValueCache? cache)
    {
        var past = cache?.Length ?? 0;
        if (attentionMask.shape[1] != past + inputIds.shape[1])
            throw new ArgumentException($"The attention mask covers {attentionMask.shape[1]} positions; the cache holds {past} and {inputIds.shape[1]} are new.", nameof(attentionMask));
        // Padding positions get position 0 (HF fills 1; either way nothing real attends to them).
        var positions = (attentionMask.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0).narrow(1, past, inputIds.shape[1]);
        return Run(inputIds, positions, attentionMask, cache);
    }

    /// <summary>
    /// Hidden states for rows packing several examples (segment ids [B, T], 1, 2, … per example, 0 = padding):
    /// attention is causal within each example and RoPE positions restart at each example's first token.
    /// </summary>
    public Tensor ForwardPacked(Tensor inputIds, Tensor segmentIds)
    {
        if (!segmentIds.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"Segment ids [{string.Join(", ", segmentIds.shape)}] must have the ids' shape [{string.Join(", ", inputIds.shape)}].", nameof(segmentIds));
        var (cos, sin) = rotary.Angles(PackedSegments.Positions(segmentIds));
        return Run(inputIds, new LlamaAttentionContext(cos, sin, PackedSegments.Mask(segmentIds), Cache: null));
    }

    private Tensor Run(Tensor inputIds, Tensor positions, Tensor? padding, KeyValueCache? cache)
    {
        var (past, time) = (cache?.Length ?? 0, inputIds.shape[1]);
        var (cos, sin) = rotary.Angles(positions);
        var context = new LlamaAttentionContext(cos, sin, LlamaAttentionMask.Build(past, time, padding, inputIds.device), cache);
        return Run(inputIds, context);
    }

    private Tensor Run(Tensor inputIds, LlamaAttentionContext context)
    {
        var hidden = embed_tokens.forward(inputIds);
        foreach (var layer in layers)
            hidden = context.Cache is null
                ? checkpointing.Run(layer, inputs => layer.forward(inputs[0], context), hidden)
                : layer.forward(hidden, context);
        context.Cache?.Advance((int)inputIds.shape[1]);
        return norm.forward(hidden);
    }
}
