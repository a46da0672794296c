using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>The `model.` part of a Llama-like family: embeddings, decoder layers, final norm. Returns hidden states.</summary>
public sealed class DecoderModel : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly DecoderRotaryEmbedding globalRotary;
    private readonly DecoderRotaryEmbedding localRotary;
    private readonly DecoderConfig config;
    private readonly bool anySliding;
    private readonly BlockCheckpointing checkpointing;

    /// <param name="checkpointing">The owning model's switch: checkpoints each decoder layer while training.</param>
    public DecoderModel(DecoderConfig config, BlockCheckpointing checkpointing) : base(nameof(DecoderModel))
    {
        this.checkpointing = checkpointing;
        this.config = config;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(i => new DecoderLayer(config, i)).ToArray());
        norm = RmsNorms.Create(config.HiddenSize, config);
        globalRotary = new DecoderRotaryEmbedding(config.RotaryDim, config.GlobalRope);
        localRotary = config.LocalRope is { } local ? new DecoderRotaryEmbedding(config.RotaryDim, local) : globalRotary;
        anySliding = config.SlidingLayers.Any(sliding => sliding);
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
    /// attention is causal within each example, sliding layers also keep their window, and RoPE positions restart
    /// at each example's first token.
    /// </summary>
    public Tensor ForwardPacked(Tensor inputIds, Tensor segmentIds)
    {
        if (!segmentIds.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"Segment ids [{string.Join(", ", segmentIds.shape)}] must have the ids' shape [{string.Join(", ", inputIds.shape)}].", nameof(segmentIds));
        var positions = PackedSegments.Positions(segmentIds);
        var full = PackedSegments.Mask(segmentIds);
        // Each query may see itself, which is inside every window, so no row becomes empty.
        var slidingMask = anySliding ? full & DecoderAttentionMask.Window(inputIds.shape[1], config.SlidingWindow!.Value, inputIds.device) : null;
        return Run(inputIds, new DecoderAttentionContext(globalRotary.Angles(positions), localRotary.Angles(positions), full, slidingMask, Cache: null));
    }

    private Tensor Run(Tensor inputIds, Tensor positions, Tensor? padding, KeyValueCache? cache)
    {
        var (past, time, device) = (cache?.Length ?? 0, inputIds.shape[1], inputIds.device);
        var fullMask = DecoderAttentionMask.Build(past, time, padding, window: null, device);
        var slidingMask = anySliding ? DecoderAttentionMask.Build(past, time, padding, config.SlidingWindow, device) : null;
        var global = globalRotary.Angles(positions);
        var local = ReferenceEquals(localRotary, globalRotary) ? global : localRotary.Angles(positions);
        return Run(inputIds, new DecoderAttentionContext(global, local, fullMask, slidingMask, cache));
    }

    private Tensor Run(Tensor inputIds, DecoderAttentionContext context)
    {
        var hidden = embed_tokens.forward(inputIds);
        if (config.ScaleEmbeddings)
            hidden = hidden * EmbeddingScale(hidden.dtype);
        foreach (var layer in layers)
            hidden = context.Cache is null
                ? checkpointing.Run(layer, inputs => layer.forward(inputs[0], context), hidden)
                : layer.forward(hidden, context);
        context.Cache?.Advance((int)inputIds.shape[1]);
        return norm.forward(hidden);
    }

    /// <summary>
    /// sqrt(hidden_size) rounded to the model dtype, as Gemma does (modeling_gemma2.py 468-469:
    /// torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype); √3072 becomes 55.5 in bf16). Computed on the
    /// host from the dtype alone, so it costs no device round trip.
    /// </summary>
    private double EmbeddingScale(ScalarType dtype)
    {
        using var rounded = tensor(Math.Sqrt(config.HiddenSize), ScalarType.Float64).to(dtype);
        return rounded.to(ScalarType.Float64).item<double>();
    }
}
