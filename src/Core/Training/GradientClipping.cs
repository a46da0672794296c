using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// Global-norm gradient clipping, the same rule as <c>torch.nn.utils.clip_grad_norm_</c>. Written here because
/// TorchSharp's <c>clip_grad_norm_</c> returns the norm as a <c>double</c>, which makes every step wait for the
/// device; this one leaves the norm on the device as a tensor.
/// </summary>
public static class GradientClipping
{
    /// <summary>Scales the gradients in place so their global L2 norm is at most <paramref name="maxNorm"/>
    /// (no clipping when <paramref name="maxNorm"/> is 0). Returns the norm before clipping, an fp32 scalar.</summary>
    public static Tensor ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNorm);
        using var scope = NewDisposeScope();
        List<Tensor> grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0)
        {
            return zeros(Array.Empty<long>(), ScalarType.Float32).MoveToOuterDisposeScope();
        }
        Tensor norm = stack(grads.Select(g => g.detach().to_type(ScalarType.Float32).norm())).norm();
        if (maxNorm > 0)
        {
            // clamp, not a host-side "if": the decision stays on the device. 1e-6 as in PyTorch.
            Tensor scale = (maxNorm / (norm + 1e-6)).clamp_max(1.0);
            foreach (Tensor grad in grads)
            {
                grad.mul_(scale.to_type(grad.dtype));
            }
        }
        return norm.MoveToOuterDisposeScope();
    }
}
