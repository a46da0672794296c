using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>T5 v1.0 feed-forward (HF `T5DenseActDense`): wo(dropout(act(wi(x)))).</summary>
public sealed class T5DenseActDense : nn.Module<Tensor, Tensor>, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> wi;
    private nn.Module<Tensor, Tensor> wo;
    private readonly FastDropoutLayer dropout;
    private readonly Func<Tensor, Tensor> act;

    public T5DenseActDense(T5Config config) : base(nameof(T5DenseActDense))
    {
        wi = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        dropout = new FastDropoutLayer(config.DropoutRate);
        act = T5Activations.Get(config.DenseActFn);
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(wi): wi = replacement; break;
            case nameof(wo): wo = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x) => wo.forward(dropout.forward(act(wi.forward(x))));
}
