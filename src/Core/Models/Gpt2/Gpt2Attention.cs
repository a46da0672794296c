using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>
/// GPT-2 causal self-attention: c_attn projects to q|k|v (concatenated on the output dimension), scores are
/// scaled by 1/sqrt(head_dim), c_proj mixes the heads back.
/// </summary>
public sealed class Gpt2Attention : nn.Module<Tensor, Gpt2AttentionContext, Tensor>, IReplaceableLinears
{
    // Conv1D layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> c_attn;
    private nn.Module<Tensor, Tensor> c_proj;
    private readonly FastDropoutLayer resid_dropout;
    private readonly int layerIndex;
    private readonly int embd;
    private readonly int heads;
    private readonly int headDim;
    private readonly double attentionDropout;

    public Gpt2Attention(Gpt2Config config, int layerIndex) : base(nameof(Gpt2Attention))
    {
        embd = config.NEmbd;
        heads = config.NHead;
        headDim = config.HeadDim;
        attentionDropout = config.AttnPdrop;
        this.layerIndex = layerIndex;
        c_attn = new Conv1D(embd, 3 * embd);
        c_proj = new Conv1D(embd, embd);
        resid_dropout = new FastDropoutLayer(config.ResidPdrop);
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(c_attn): c_attn = replacement; break;
            case nameof(c_proj): c_proj = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x, Gpt2AttentionContext context)
    {
        var (batch, time) = (x.shape[0], x.shape[1]);
        var qkv = c_attn.forward(x).split(embd, dim: 2);
        var q = SplitHeads(qkv[0], batch, time);
        var k = SplitHeads(qkv[1], batch, time);
        var v = SplitHeads(qkv[2], batch, time);
        if (context.Cache is { } cache)
            (k, v) = cache.Append(layerIndex, k, v);
        // Default scale 1/sqrt(head_dim) as in HF. HF's attn_dropout acts on the attention probabilities, which
        // is SDPA's p. TorchSharp spells the causal flag `is_casual`.
        var p = training ? attentionDropout : 0.0;
        var attended = context.Mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, p: p, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: context.Mask, p: p);
        return resid_dropout.forward(c_proj.forward(attended.transpose(1, 2).reshape(batch, time, embd)));
    }

    private Tensor SplitHeads(Tensor t, long batch, long time) =>
        t.view(batch, time, heads, headDim).transpose(1, 2); // [B, H, T, d]
}
