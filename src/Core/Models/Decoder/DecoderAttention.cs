using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Causal self-attention with grouped key/value heads and RoPE, plus the family switches of
/// <see cref="DecoderConfig"/>: q/k/v biases, Phi-3's fused qkv_proj, per-head q/k norms, a sliding window,
/// Gemma's query_pre_attn_scalar and soft-capping. With a cache, keys/values are cached after RoPE and before the
/// GQA expansion. Every key stays in the cache; on a sliding layer the mask hides the ones outside the window.
/// </summary>
public sealed class DecoderAttention : nn.Module<Tensor, DecoderAttentionContext, Tensor>, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    // Either q/k/v_proj or (Phi-3) qkv_proj exists; the other fields stay null and are not registered.
    private nn.Module<Tensor, Tensor>? q_proj;
    private nn.Module<Tensor, Tensor>? k_proj;
    private nn.Module<Tensor, Tensor>? v_proj;
    private nn.Module<Tensor, Tensor>? qkv_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private readonly nn.Module<Tensor, Tensor>? q_norm;
    private readonly nn.Module<Tensor, Tensor>? k_norm;
    private readonly int heads;
    private readonly int kvHeads;
    private readonly int headDim;
    private readonly int layerIndex;
    private readonly bool sliding;
    private readonly double scale;
    private readonly double? softcap;
    /// <summary>HF eager (explicit scores) instead of the fused kernel: soft-capping must act on the scores,
    /// and the kernel here has no scale argument.</summary>
    private readonly bool eager;

    /// <param name="layerIndex">This layer's slot in a <see cref="KeyValueCache"/> and in the config's layer types.</param>
    public DecoderAttention(DecoderConfig config, int layerIndex) : base(nameof(DecoderAttention))
    {
        this.layerIndex = layerIndex;
        heads = config.NumAttentionHeads;
        kvHeads = config.NumKeyValueHeads;
        headDim = config.HeadDim;
        sliding = config.SlidingLayers[layerIndex];
        scale = config.AttentionScale;
        softcap = config.AttentionLogitSoftcapping;
        eager = softcap is not null || scale != 1.0 / Math.Sqrt(headDim);
        if (config.FusedProjections)
        {
            qkv_proj = nn.Linear(config.HiddenSize, (heads + 2 * kvHeads) * headDim, hasBias: config.QkvBias);
        }
        else
        {
            q_proj = nn.Linear(config.HiddenSize, heads * headDim, hasBias: config.QkvBias);
            k_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.QkvBias);
            v_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.QkvBias);
        }
        o_proj = nn.Linear(heads * headDim, config.HiddenSize, hasBias: config.OutputBias);
        if (config.QkNorm)
        {
            q_norm = RmsNorms.Create(headDim, config);
            k_norm = RmsNorms.Create(headDim, config);
        }
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(q_proj) when q_proj is not null: q_proj = replacement; break;
            case nameof(k_proj) when k_proj is not null: k_proj = replacement; break;
            case nameof(v_proj) when v_proj is not null: v_proj = replacement; break;
            case nameof(qkv_proj) when qkv_proj is not null: qkv_proj = replacement; break;
            case nameof(o_proj): o_proj = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x, DecoderAttentionContext context) => IntermediatesFreed.After(() => Attend(x, context));

    private Tensor Attend(Tensor x, DecoderAttentionContext context)
    {
        var (batch, time) = (x.shape[0], x.shape[1]);
        var (q, k, v) = Project(x);
        q = q.view(batch, time, heads, headDim);
        k = k.view(batch, time, kvHeads, headDim);
        // modeling_qwen3.py 267-268 / modeling_gemma3.py 312-313: the norm acts on each head's head_dim values
        // ([B, T, heads, d]), before the transpose and before RoPE.
        if (q_norm is not null && k_norm is not null)
        {
            q = q_norm.forward(q);
            k = k_norm.forward(k);
        }
        q = q.transpose(1, 2);                                                  // [B, H, T, d]
        k = k.transpose(1, 2);                                                  // [B, KV, T, d]
        v = v.view(batch, time, kvHeads, headDim).transpose(1, 2);
        var angles = sliding ? context.LocalRope : context.GlobalRope;
        q = DecoderRotaryEmbedding.Apply(q, angles);
        k = DecoderRotaryEmbedding.Apply(k, angles);
        if (context.Cache is { } cache)
            (k, v) = cache.Append(layerIndex, k, v);                            // [B, KV, past + T, d]
        if (heads != kvHeads)
        {
            // HF repeat_kv: query head h reads kv head h / groups, i.e. repeat_interleave, not tile.
            var groups = heads / kvHeads;
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
        }
        var mask = sliding ? context.SlidingMask : context.FullMask;
        var attended = eager ? Eager(q, k, v, mask) : Fused(q, k, v, mask);
        return o_proj.forward(attended.transpose(1, 2).reshape(batch, time, heads * headDim));
    }

    private (Tensor Q, Tensor K, Tensor V) Project(Tensor x)
    {
        if (qkv_proj is null)
            return (q_proj!.forward(x), k_proj!.forward(x), v_proj!.forward(x));
        // modeling_phi3.py 256-260: rows are q (H·d) | k (KV·d) | v (KV·d).
        var qkv = qkv_proj.forward(x);
        var (queryRows, kvRows) = (heads * headDim, kvHeads * headDim);
        return (qkv.narrow(-1, 0, queryRows), qkv.narrow(-1, queryRows, kvRows), qkv.narrow(-1, queryRows + kvRows, kvRows));
    }

    /// <summary>The fused kernel at its default scale 1/sqrt(head_dim). TorchSharp spells the causal flag `is_casual`.</summary>
    private static Tensor Fused(Tensor q, Tensor k, Tensor v, Tensor? mask) =>
        mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: q.shape[2] > 1)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);

    /// <summary>
    /// HF eager_attention_forward as Gemma 2 runs it (modeling_gemma2.py 262-293): scores · scaling, then
    /// cap · tanh(scores / cap), then the mask (finfo.min), then softmax in fp32.
    /// </summary>
    private Tensor Eager(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        var (time, keys) = (q.shape[2], k.shape[2]);
        var scores = q.matmul(k.transpose(2, 3)) * scale;
        if (softcap is { } cap)
            scores = (scores / cap).tanh() * cap;
        var allowed = mask ?? (time > 1 ? DecoderAttentionMask.Causal(keys - time, time, q.device) : null);
        if (allowed is not null)
            scores = scores.masked_fill(allowed.logical_not(), finfo(scores.dtype).min);
        var weights = nn.functional.softmax(scores, -1, ScalarType.Float32).to(q.dtype);
        return weights.matmul(v);
    }
}
