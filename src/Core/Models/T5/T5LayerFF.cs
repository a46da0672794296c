using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>HF `T5LayerFF` (block `layer[-1]`): x + dropout(DenseReluDense(layer_norm(x))), gated or not per config.</summary>
public sealed class T5LayerFF : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> DenseReluDense;
    private readonly T5LayerNorm layer_norm;
    private readonly FastDropoutLayer dropout;

    public T5LayerFF(T5Config config) : base(nameof(T5LayerFF))
    {
        DenseReluDense = config.IsGatedAct ? new T5DenseGatedActDense(config) : new T5DenseActDense(config);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new FastDropoutLayer(config.DropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x + dropout.forward(DenseReluDense.forward(layer_norm.forward(x)));
}
