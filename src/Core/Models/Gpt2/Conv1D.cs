using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>
/// HF's GPT-2 `Conv1D`: despite the name, a linear layer whose weight is stored transposed, [in, out], so that
/// checkpoints load without transposing. y = bias + x · weight. Written here because TorchSharp's Linear keeps
/// [out, in] and the parameter must carry the checkpoint's layout to save back byte for byte.
/// </summary>
public sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    public Conv1D(long inFeatures, long outFeatures) : base(nameof(Conv1D))
    {
        // HF _init_weights: N(0, 0.02) weights, zero bias (loading overwrites both).
        weight = new Parameter(normal(0.0, 0.02, [inFeatures, outFeatures]));
        bias = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    /// <summary>The [in, out] weight (HF layout).</summary>
    public Parameter Weight => weight;

    /// <summary>The [out] bias.</summary>
    public Parameter Bias => bias;

    public override Tensor forward(Tensor x)
    {
        var shape = x.shape.ToArray();
        shape[^1] = weight.shape[1];
        return addmm(bias, x.reshape(-1, x.shape[^1]), weight, beta: 1, alpha: 1).view(shape);
    }
}
