using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>HF `LlamaRMSNorm`: x / sqrt(mean(x²) + eps) · weight, with the statistics computed in fp32.</summary>
public sealed class LlamaRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    public LlamaRmsNorm(long size, double eps) : base(nameof(LlamaRmsNorm))
    {
        weight = new Parameter(ones(size));
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => IntermediatesFreed.After(() => Normalize(input));

    private Tensor Normalize(Tensor input)
    {
        // Upcast so bf16/fp16 weights still normalise in fp32, as HF does; cast back before the weight multiply.
        var x = input.to(ScalarType.Float32);
        var variance = x.pow(2).mean([-1], keepdim: true);
        var normalized = (x * rsqrt(variance + eps)).to(input.dtype);
        return weight * normalized;
    }
}
