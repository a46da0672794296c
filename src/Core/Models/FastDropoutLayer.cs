using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>A dropout layer (as <c>nn.Dropout</c>) drawing its masks through <see cref="FastDropout"/>. It holds no
/// tensors, so a checkpoint's names do not change.</summary>
public sealed class FastDropoutLayer(double p) : nn.Module<Tensor, Tensor>(nameof(FastDropoutLayer))
{
    public double P { get; } = p;

    public override Tensor forward(Tensor x) => FastDropout.Apply(x, P, training);
}
