using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>T5 v1.1 / FLAN feed-forward (HF `T5DenseGatedActDense`): wo(dropout(act(wi_0(x)) · wi_1(x))).</summary>
public sealed class T5DenseGatedActDense : nn.Module<Tensor, Tensor>
{
    private readonly Linear wi_0;
    private readonly Linear wi_1;
    private readonly Linear wo;
    private readonly Dropout dropout;
    private readonly Func<Tensor, Tensor> act;

    public T5DenseGatedActDense(T5Config config) : base(nameof(T5DenseGatedActDense))
    {
        wi_0 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wi_1 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        dropout = nn.Dropout(config.DropoutRate);
        act = T5Activations.Get(config.DenseActFn);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        wo.forward(dropout.forward(act(wi_0.forward(x)) * wi_1.forward(x)));
}
