using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>T5 v1.1 / FLAN feed-forward (HF `T5DenseGatedActDense`): wo(dropout(act(wi_0(x)) · wi_1(x))).</summary>
public sealed class T5DenseGatedActDense : nn.Module<Tensor, Tensor>, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> wi_0;
    private nn.Module<Tensor, Tensor> wi_1;
    private nn.Module<Tensor, Tensor> wo;
    private readonly FastDropoutLayer dropout;
    private readonly Func<Tensor, Tensor> act;

    public T5DenseGatedActDense(T5Config config) : base(nameof(T5DenseGatedActDense))
    {
        wi_0 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wi_1 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        dropout = new FastDropoutLayer(config.DropoutRate);
        act = T5Activations.Get(config.DenseActFn);
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(wi_0): wi_0 = replacement; break;
            case nameof(wi_1): wi_1 = replacement; break;
            case nameof(wo): wo = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x) =>
        wo.forward(dropout.forward(act(wi_0.forward(x)) * wi_1.forward(x)));
}
