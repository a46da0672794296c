using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>
/// Causal multi-head self-attention with grouped key/value heads (GQA) and RoPE on queries and keys. With a cache,
/// this layer's keys/values are cached after RoPE and before the GQA expansion, so the cache holds the kv heads only.
/// </summary>
public sealed class LlamaAttention : nn.Module<Tensor, LlamaAttentionContext, Tensor>, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private readonly int heads;
    private readonly int kvHeads;
    private readonly int headDim;
    private readonly int layerIndex;

    /// <param name="layerIndex">This layer's slot in a <see cref="KeyValueCache"/>.</param>
    public LlamaAttention(LlamaConfig config, int layerIndex) : base(nameof(LlamaAttention))
    {
        this.layerIndex = layerIndex;
        heads = config.NumAttentionHeads;
        kvHeads = config.NumKeyValueHeads;
        headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, heads * headDim, hasBias: config.AttentionBias);
        k_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.AttentionBias);
        v_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.AttentionBias);
        o_proj = nn.Linear(heads * headDim, config.HiddenSize, hasBias: config.AttentionBias);
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(q_proj): q_proj = replacement; break;
            case nameof(k_proj): k_proj = replacement; break;
            case nameof(v_proj): v_proj = replacement; break;
            case nameof(o_proj): o_proj = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x, LlamaAttentionContext context) => IntermediatesFreed.After(() => Attend(x, context));

    private Tensor Attend(Tensor x, LlamaAttentionContext context)
    {
        var (batch, time) = (x.shape[0], x.shape[1]);
        var q = q_proj.forward(x).view(batch, time, heads, headDim).transpose(1, 2);   // [B, H, T, d]
        var k = k_proj.forward(x).view(batch, time, kvHeads, headDim).transpose(1, 2); // [B, KV, T, d]
        var v = v_proj.forward(x).view(batch, time, kvHeads, headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, context.Cos, context.Sin);
        k = RotaryEmbedding.Apply(k, context.Cos, context.Sin);
        if (context.Cache is { } cache)
            (k, v) = cache.Append(layerIndex, k, v); // [B, KV, past + T, d]
        if (heads != kvHeads)
        {
            // HF repeat_kv: query head h reads kv head h / groups, i.e. repeat_interleave, not tile.
            var groups = heads / kvHeads;
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
        }
        // Default scale 1/sqrt(head_dim) as in HF. TorchSharp spells the causal flag `is_casual`. Without a mask
        // there is either no past (causal over T) or one query, which may see every cached key.
        var attended = context.Mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: time > 1)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: context.Mask);
        return o_proj.forward(attended.transpose(1, 2).reshape(batch, time, heads * headDim));
    }
}
