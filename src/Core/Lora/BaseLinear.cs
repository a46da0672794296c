using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>The frozen layer's own computation inside a LoRA wrapper (<see cref="LoraLinear"/>, <see cref="MultiAdapterLinear"/>).</summary>
internal static class BaseLinear
{
    /// <summary>
    /// W x + b with W [out, in] (nn.Linear), or, when <paramref name="fanInFanOut"/>, Conv1D's own computation with
    /// W [in, out] (addmm on the flattened input), so a wrapper with no adapter in use is bit-identical to the layer.
    /// </summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias, bool fanInFanOut)
    {
        if (!fanInFanOut)
            return nn.functional.linear(x, weight, bias);
        var inFeatures = weight.shape[0];
        var shape = x.shape.ToArray();
        shape[^1] = weight.shape[1];
        var flat = x.reshape(-1, inFeatures);
        var y = bias is null ? flat.matmul(weight) : addmm(bias, flat, weight, beta: 1, alpha: 1);
        return y.view(shape);
    }
}
