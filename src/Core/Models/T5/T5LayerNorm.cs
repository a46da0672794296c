using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>
/// HF `T5LayerNorm`: scale only, no mean subtraction and no bias (RMS norm), with the variance computed in fp32.
/// </summary>
public sealed class T5LayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    public T5LayerNorm(long size, double eps) : base(nameof(T5LayerNorm))
    {
        weight = new Parameter(ones(size));
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var variance = input.to(ScalarType.Float32).pow(2).mean([-1], keepdim: true);
        var normalized = input * rsqrt(variance + eps);
        // HF converts back only for half-precision weights; with fp32 weights the product stays fp32.
        if (weight.dtype is ScalarType.Float16 or ScalarType.BFloat16)
            normalized = normalized.to(weight.dtype);
        return weight * normalized;
    }
}
