using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>GPT-2 feed-forward: dropout(c_proj(act(c_fc(x)))), act gelu_new (the tanh approximation) by default.</summary>
public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>, IReplaceableLinears
{
    // Conv1D layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> c_fc;
    private nn.Module<Tensor, Tensor> c_proj;
    private readonly FastDropoutLayer dropout;
    private readonly bool exactGelu;

    public Gpt2Mlp(Gpt2Config config) : base(nameof(Gpt2Mlp))
    {
        c_fc = new Conv1D(config.NEmbd, config.NInner);
        c_proj = new Conv1D(config.NInner, config.NEmbd);
        dropout = new FastDropoutLayer(config.ResidPdrop);
        exactGelu = config.ActivationFunction == "gelu";
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(c_fc): c_fc = replacement; break;
            case nameof(c_proj): c_proj = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x)
    {
        var h = c_fc.forward(x);
        // gelu_new is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), which is torch's gelu(approximate="tanh").
        h = exactGelu ? nn.functional.gelu(h) : nn.functional.gelu(h, GELU.Approximate.tanh);
        return dropout.forward(c_proj.forward(h));
    }
}
