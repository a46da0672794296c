using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// HF `Gemma2RMSNorm` / `Gemma3RMSNorm`: x / sqrt(mean(x²) + eps) · (1 + weight), the whole product in fp32 and
/// cast back after (Llama casts before multiplying). The stored weight is an offset around 0.
/// </summary>
public sealed class GemmaRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    public GemmaRmsNorm(long size, double eps) : base(nameof(GemmaRmsNorm))
    {
        weight = new Parameter(zeros(size));
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => IntermediatesFreed.After(() => Normalize(input));

    private Tensor Normalize(Tensor input)
    {
        var x = input.to(ScalarType.Float32);
        var normalized = x * rsqrt(x.pow(2).mean([-1], keepdim: true) + eps);
        return (normalized * (1.0 + weight.to(ScalarType.Float32))).to(input.dtype);
    }
}
