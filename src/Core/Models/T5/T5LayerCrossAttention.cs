using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>HF `T5LayerCrossAttention` (decoder block `layer.1`): x + dropout(EncDecAttention(layer_norm(x), encoder states)).</summary>
public sealed class T5LayerCrossAttention : nn.Module
{
    private readonly T5Attention EncDecAttention;
    private readonly T5LayerNorm layer_norm;
    private readonly FastDropoutLayer dropout;

    public T5LayerCrossAttention(T5Config config) : base(nameof(T5LayerCrossAttention))
    {
        // HF builds it with has_relative_attention_bias=False; old checkpoints that still carry one are ignored on load.
        EncDecAttention = new T5Attention(config, isDecoder: true, hasRelativeAttentionBias: false);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new FastDropoutLayer(config.DropoutRate);
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor encoderHidden, Tensor? encoderMask, KeyValueCache? cache, int cacheSlot) =>
        x + dropout.forward(EncDecAttention.CrossAttend(layer_norm.forward(x), encoderHidden, encoderMask, cache, cacheSlot));
}
