using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// <see cref="AdamW8bit"/>'s state of one parameter: its step count and its two moments, either blockwise-quantized
/// (first moment on the signed dynamic map, second on the unsigned one) or, for parameters under
/// <see cref="AdamW8bit.MinQuantizedSize"/> elements, plain float32 tensors.
/// </summary>
internal sealed class AdamW8bitParameterState : IDisposable
{
    private AdamW8bitParameterState(long count, BlockwiseQuantizedTensor? quantizedMean, BlockwiseQuantizedTensor? quantizedVariance,
        Tensor? mean, Tensor? variance)
    {
        Count = count;
        QuantizedMean = quantizedMean;
        QuantizedVariance = quantizedVariance;
        Mean = mean;
        Variance = variance;
    }

    public static AdamW8bitParameterState Quantized(long count, DynamicQuantizationMap signedMap, DynamicQuantizationMap unsignedMap, Device device) =>
        new(count, new BlockwiseQuantizedTensor(count, signedMap, device), new BlockwiseQuantizedTensor(count, unsignedMap, device), null, null);

    public static AdamW8bitParameterState Full(long count, Device device) =>
        new(count, null, null, zeros(count, ScalarType.Float32, device), zeros(count, ScalarType.Float32, device));

    /// <summary>Elements of the parameter.</summary>
    public long Count { get; }

    /// <summary>Updates taken so far (PyTorch's <c>state["step"]</c>).</summary>
    public long Step { get; set; }

    public bool IsQuantized => QuantizedMean is not null;

    public BlockwiseQuantizedTensor? QuantizedMean { get; }
    public BlockwiseQuantizedTensor? QuantizedVariance { get; }

    /// <summary>Float32 [Count] first moment, when not quantized.</summary>
    public Tensor? Mean { get; }

    /// <summary>Float32 [Count] second moment, when not quantized.</summary>
    public Tensor? Variance { get; }

    /// <summary>The moments as float32 [Count] tensors (dequantized when quantized), for tests and inspection.</summary>
    public (Tensor Mean, Tensor Variance) Moments() => IsQuantized
        ? (QuantizedMean!.Dequantize(), QuantizedVariance!.Dequantize())
        : (Mean!.clone(), Variance!.clone());

    /// <summary>Bytes of device memory the state holds.</summary>
    public long Bytes => IsQuantized
        ? 2 * (QuantizedMean!.Codes.NumberOfElements + QuantizedMean.Absmax.NumberOfElements * sizeof(float))
        : 2 * Count * sizeof(float);

    /// <summary>The state's tensors by name, for saving (the step as an int64 [1] tensor).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Tensors()
    {
        if (IsQuantized)
        {
            yield return ("exp_avg.codes", QuantizedMean!.Codes);
            yield return ("exp_avg.absmax", QuantizedMean.Absmax);
            yield return ("exp_avg_sq.codes", QuantizedVariance!.Codes);
            yield return ("exp_avg_sq.absmax", QuantizedVariance.Absmax);
        }
        else
        {
            yield return ("exp_avg", Mean!);
            yield return ("exp_avg_sq", Variance!);
        }
    }

    public void Dispose()
    {
        QuantizedMean?.Dispose();
        QuantizedVariance?.Dispose();
        Mean?.Dispose();
        Variance?.Dispose();
    }
}
