using static TorchSharp.torch;

namespace TuningService.Core.Quantization;

/// <summary>
/// A frozen weight held in fewer bits than its dtype, dequantized on use. Its tensors belong to no dispose scope:
/// it lives as long as the module that holds it, which disposes it.
/// </summary>
public abstract class QuantizedWeight : IDisposable
{
    protected QuantizedWeight(long[] shape) => Shape = shape;

    /// <summary>The shape of the weight it stands for.</summary>
    public long[] Shape { get; }

    public long ElementCount => Shape.Aggregate(1L, (n, d) => n * d);

    public abstract WeightQuantization Kind { get; }

    /// <summary>Bytes its tensors occupy (codes and scales).</summary>
    public abstract long StorageBytes { get; }

    public abstract Device Device { get; }

    /// <summary>A new tensor of <see cref="Shape"/> in <paramref name="dtype"/>, computed block by block from the codes.</summary>
    public abstract Tensor Dequantize(ScalarType dtype);

    /// <summary>Moves the codes and scales to <paramref name="device"/> (nothing is requantized).</summary>
    public abstract void MoveTo(Device device);

    /// <summary>Quantizes <paramref name="weight"/> (any float dtype, any device) as <paramref name="kind"/> says.</summary>
    public static QuantizedWeight Quantize(Tensor weight, WeightQuantization kind)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return kind switch
        {
            WeightQuantization.Nf4 => Nf4Weight.Quantize(weight),
            WeightQuantization.Int8 => Int8Weight.Quantize(weight),
            _ => throw new ArgumentException($"{kind} is not a quantized storage.", nameof(kind)),
        };
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    /// <summary>Replaces <paramref name="tensor"/> by its copy on <paramref name="device"/>, outside any dispose scope.</summary>
    protected static Tensor Moved(Tensor tensor, Device device)
    {
        if (tensor.device_type == device.type && (device.type != TorchSharp.DeviceType.CUDA || tensor.device_index == device.index))
            return tensor;
        var moved = tensor.to(device).DetachFromDisposeScope();
        tensor.Dispose();
        return moved;
    }
}
