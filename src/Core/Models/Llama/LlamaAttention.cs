using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>Causal multi-head self-attention with grouped key/value heads (GQA) and RoPE on queries and keys.</summary>
public sealed class LlamaAttention : nn.Module<Tensor, LlamaAttentionContext, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly int heads;
    private readonly int kvHeads;
    private readonly int headDim;

    public LlamaAttention(LlamaConfig config) : base(nameof(LlamaAttention))
    {
        heads = config.NumAttentionHeads;
        kvHeads = config.NumKeyValueHeads;
        headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, heads * headDim, hasBias: config.AttentionBias);
        k_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.AttentionBias);
        v_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.AttentionBias);
        o_proj = nn.Linear(heads * headDim, config.HiddenSize, hasBias: config.AttentionBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, LlamaAttentionContext context)
    {
        var (batch, time) = (x.shape[0], x.shape[1]);
        var q = q_proj.forward(x).view(batch, time, heads, headDim).transpose(1, 2);   // [B, H, T, d]
        var k = k_proj.forward(x).view(batch, time, kvHeads, headDim).transpose(1, 2); // [B, KV, T, d]
        var v = v_proj.forward(x).view(batch, time, kvHeads, headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, context.Cos, context.Sin);
        k = RotaryEmbedding.Apply(k, context.Cos, context.Sin);
        if (heads != kvHeads)
        {
            // HF repeat_kv: query head h reads kv head h / groups, i.e. repeat_interleave, not tile.
            var groups = heads / kvHeads;
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
        }
        // Default scale 1/sqrt(head_dim) as in HF. TorchSharp spells the causal flag `is_casual`.
        var attended = context.Mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: context.Mask);
        return o_proj.forward(attended.transpose(1, 2).reshape(batch, time, heads * headDim));
    }
}
