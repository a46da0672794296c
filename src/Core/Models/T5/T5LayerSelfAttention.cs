using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>HF `T5LayerSelfAttention` (block `layer.0`): x + dropout(SelfAttention(layer_norm(x))).</summary>
public sealed class T5LayerSelfAttention : nn.Module
{
    private readonly T5Attention SelfAttention;
    private readonly T5LayerNorm layer_norm;
    private readonly FastDropoutLayer dropout;

    public T5LayerSelfAttention(T5Config config, bool isDecoder, bool hasRelativeAttentionBias) : base(nameof(T5LayerSelfAttention))
    {
        SelfAttention = new T5Attention(config, isDecoder, hasRelativeAttentionBias);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new FastDropoutLayer(config.DropoutRate);
        RegisterComponents();
    }

    /// <summary>The attention whose relative_attention_bias (block 0 only) gives the stack's position bias.</summary>
    public T5Attention Attention => SelfAttention;

    public Tensor forward(Tensor x, Tensor bias, KeyValueCache? cache, int cacheSlot) =>
        x + dropout.forward(SelfAttention.SelfAttend(layer_norm.forward(x), bias, cache, cacheSlot));
}
