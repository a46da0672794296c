using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>Pre-norm block: h = x + attn(ln_1(x)); out = h + mlp(ln_2(h)).</summary>
public sealed class Gpt2Block : nn.Module<Tensor, Gpt2AttentionContext, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly Gpt2Attention attn;
    private readonly LayerNorm ln_2;
    private readonly Gpt2Mlp mlp;

    public Gpt2Block(Gpt2Config config, int layerIndex) : base(nameof(Gpt2Block))
    {
        ln_1 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        attn = new Gpt2Attention(config, layerIndex);
        ln_2 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Gpt2AttentionContext context)
    {
        var h = x + attn.forward(ln_1.forward(x), context);
        return h + mlp.forward(ln_2.forward(h));
    }
}
