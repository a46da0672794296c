using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>
/// HF `T5Block`: `layer` holds self-attention, cross-attention (decoder only) and the feed-forward, each a
/// pre-norm residual sub-layer, so the checkpoint names read block.N.layer.{0,1,2}.
/// </summary>
public sealed class T5Block : nn.Module<Tensor, T5StackState, Tensor>
{
    private readonly ModuleList<nn.Module> layer;
    private readonly int selfAttentionSlot;
    private readonly int crossAttentionSlot;

    /// <param name="index">Position in the stack; block 0 owns the relative_attention_bias.</param>
    public T5Block(T5Config config, bool isDecoder, int index) : base(nameof(T5Block))
    {
        var sublayers = new List<nn.Module> { new T5LayerSelfAttention(config, isDecoder, hasRelativeAttentionBias: index == 0) };
        if (isDecoder)
            sublayers.Add(new T5LayerCrossAttention(config));
        sublayers.Add(new T5LayerFF(config));
        layer = nn.ModuleList(sublayers.ToArray());
        selfAttentionSlot = index;
        crossAttentionSlot = config.NumDecoderLayers + index;
        RegisterComponents();
    }

    public T5LayerSelfAttention SelfAttentionLayer => (T5LayerSelfAttention)layer[0];

    private T5LayerCrossAttention? CrossAttentionLayer => layer.Count == 3 ? (T5LayerCrossAttention)layer[1] : null;

    private T5LayerFF FeedForwardLayer => (T5LayerFF)layer[^1];

    // HF clamps activations to the fp16 range after each sub-layer when running in fp16; models here run in fp32
    // (bf16 at most, whose range is fp32's), so there is nothing to clamp.
    public override Tensor forward(Tensor hidden, T5StackState state)
    {
        hidden = SelfAttentionLayer.forward(hidden, state.SelfAttentionBias, state.Cache, selfAttentionSlot);
        if (CrossAttentionLayer is { } cross)
            hidden = cross.forward(hidden, state.EncoderHidden!, state.CrossAttentionMask, state.Cache, crossAttentionSlot);
        return FeedForwardLayer.forward(hidden);
    }
}
