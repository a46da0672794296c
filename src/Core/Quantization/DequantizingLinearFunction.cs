using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace TuningService.Core.Quantization;

/// <summary>
/// y = x Wᵀ + b with W dequantized from a <see cref="QuantizedWeight"/> for the product and dropped after it. Were the
/// dequantization an ordinary op, autograd would keep every layer's full-precision W from the forward pass until
/// its backward, undoing the saving; here backward dequantizes W again (as bitsandbytes' MatMul4Bit does) and
/// autograd keeps only the codes. W and b are frozen: the gradient flows to x alone (QLoRA trains the adapters,
/// which sit outside this function).
/// </summary>
public sealed class DequantizingLinearFunction : SingleTensorFunction<DequantizingLinearFunction>
{
    private const string WeightKey = "weight", LayoutKey = "fan_in_fan_out", BiasKey = "has_bias";

    public override string Name => nameof(DequantizingLinearFunction);

    /// <param name="input">[..., in], float32 or bfloat16: W is dequantized to its dtype.</param>
    /// <param name="fanInFanOut">W stored [in, out] (GPT-2's Conv1D) rather than [out, in].</param>
    public static Tensor Apply(Tensor input, QuantizedWeight weight, Tensor? bias, bool fanInFanOut)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (bias is { requires_grad: true })
            throw new InvalidOperationException("A quantized layer's bias is frozen; it gets no gradient.");
        return bias is null ? apply(input, weight, fanInFanOut) : apply(input, weight, fanInFanOut, bias);
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var weight = (QuantizedWeight)vars[1];
        var fanInFanOut = (bool)vars[2];
        var bias = vars.Length > 3 ? (Tensor)vars[3] : null;
        ctx.save_data(WeightKey, weight);
        ctx.save_data(LayoutKey, fanInFanOut);
        ctx.save_data(BiasKey, bias is not null);
        using var dense = weight.Dequantize(input.dtype);
        if (!fanInFanOut)
            return nn.functional.linear(input, dense, bias);
        // GPT-2 Conv1D's own computation (addmm on the flattened input), so the result is bit-identical to it.
        var shape = input.shape.ToArray();
        shape[^1] = dense.shape[1];
        var flat = input.reshape(-1, dense.shape[0]);
        var product = bias is null ? flat.matmul(dense) : addmm(bias, flat, dense, beta: 1, alpha: 1);
        return product.view(shape);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var weight = (QuantizedWeight)ctx.get_data(WeightKey);
        var fanInFanOut = (bool)ctx.get_data(LayoutKey);
        using var dense = weight.Dequantize(grad_output.dtype);
        // dL/dx = dL/dy W for W [out, in]; dL/dy Wᵀ for W stored [in, out].
        var gradInput = grad_output.matmul(fanInFanOut ? dense.t() : dense);
        // One entry per argument: none for the codes, the layout flag or the frozen bias.
        var grads = new List<Tensor> { gradInput, null!, null! };
        if ((bool)ctx.get_data(BiasKey))
            grads.Add(null!);
        return grads;
    }
}
