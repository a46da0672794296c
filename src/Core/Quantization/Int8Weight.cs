using static TorchSharp.torch;

namespace TuningService.Core.Quantization;

/// <summary>
/// A weight in symmetric blockwise absmax int8: the flattened weight in blocks of 64, each stored as
/// round(x · 127 / absmax) in [-127, 127] with its float32 absmax, dequantized as q · absmax / 127. The error is at
/// most half a step, absmax / 254, per element. Blocks rather than one scale per row or tensor keep an outlier from
/// coarsening more than its own 64 neighbours; 64 is the block NF4 uses, so both storages cut the weight alike
/// (8.5 bits per weight with the scales). This is plain weight storage: it is not bitsandbytes' LLM.int8(), which
/// multiplies in int8 and splits outlier activation columns off into fp16.
/// </summary>
public sealed class Int8Weight : QuantizedWeight
{
    public const int BlockSize = 64;

    private Tensor codes;   // int8 [blocks, 64]
    private Tensor absmax;  // float32 [blocks]

    private Int8Weight(long[] shape, Tensor codes, Tensor absmax) : base(shape)
    {
        this.codes = codes;
        this.absmax = absmax;
    }

    public override WeightQuantization Kind => WeightQuantization.Int8;

    public override long StorageBytes => codes.numel() + 4 * absmax.numel();

    public override Device Device => codes.device;

    /// <summary>The absmax of each block, float32 [blocks].</summary>
    public Tensor BlockAbsmax => absmax;

    public static Int8Weight Quantize(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var blocks = BlockwiseCodebook.PadToBlocks(weight.detach().reshape(-1).to(ScalarType.Float32), BlockSize).view(-1, BlockSize);
        var absmax = blocks.abs().amax([1]);
        var safe = where(absmax > 0, absmax, ones_like(absmax)); // an all-zero block stays 0 with any scale
        var codes = (blocks * (127.0 / safe).unsqueeze(1)).round().clamp(-127, 127).to(ScalarType.Int8);
        return new Int8Weight(weight.shape, codes.DetachFromDisposeScope(), absmax.DetachFromDisposeScope());
    }

    public override Tensor Dequantize(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var values = (codes.to(ScalarType.Float32) * (absmax / 127.0).unsqueeze(1)).reshape(-1).narrow(0, 0, ElementCount);
        return values.view(Shape).to(dtype).MoveToOuterDisposeScope();
    }

    public override void MoveTo(Device device)
    {
        codes = Moved(codes, device);
        absmax = Moved(absmax, device);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        codes.Dispose();
        absmax.Dispose();
    }
}
