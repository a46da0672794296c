using static TorchSharp.torch;

namespace TuningService.Core.Quantization;

/// <summary>
/// A weight in QLoRA's storage, as bitsandbytes' quantize_4bit(quant_type="nf4", blocksize=64,
/// compress_statistics=True) lays it out (bitsandbytes/functional.py and backends/default/ops.py):
/// <list type="bullet">
/// <item>the flattened weight in blocks of 64, each scaled by 1/absmax and mapped to the nearest
/// <see cref="NormalFloat4"/> code;</item>
/// <item>two codes per byte, the first of each pair in the high nibble (`packed = q[::2] &lt;&lt; 4 | q[1::2]`);</item>
/// <item>double quantization of the float32 absmax: their mean is subtracted (the offset) and the centred values are
/// quantized blockwise again, block 256, onto bitsandbytes' signed dynamic map (<see cref="DynamicMap"/>), keeping
/// one float32 scale per 256 blocks: 8 + 32/256 bits per 64 weights instead of 32.</item>
/// </list>
/// Dequantizing inverts it: absmax = dynamic[code] × scale + offset, weight = nf4[code] × absmax. A tail that
/// does not fill a block is padded with zeros (bitsandbytes gives it a block of its own; the result is the same).
/// </summary>
public sealed class Nf4Weight : QuantizedWeight
{
    public const int BlockSize = 64;

    /// <summary>Blocks of absmax values that share one float32 scale (bitsandbytes' nested blocksize).</summary>
    public const int ScaleBlockSize = 256;

    private Tensor packed;        // uint8 [padded / 2]: codes 2i (high nibble) and 2i + 1 (low nibble)
    private Tensor absmaxCodes;   // uint8 [scale blocks, 256]: the centred absmax on the dynamic map
    private Tensor absmaxScales;  // float32 [scale blocks]: absmax of the centred absmax, per 256 blocks
    private Tensor offset;        // float32 [1]: mean of the absmax
    private Tensor nf4;           // the code tables, on the weight's device
    private Tensor dynamic;
    private readonly long blocks;

    private Nf4Weight(long[] shape, Tensor packed, Tensor absmaxCodes, Tensor absmaxScales, Tensor offset, long blocks)
        : base(shape)
    {
        this.packed = packed;
        this.absmaxCodes = absmaxCodes;
        this.absmaxScales = absmaxScales;
        this.offset = offset;
        this.blocks = blocks;
        nf4 = NormalFloat4.Table(packed.device).DetachFromDisposeScope();
        dynamic = DynamicMap.Signed(packed.device).DetachFromDisposeScope();
    }

    public override WeightQuantization Kind => WeightQuantization.Nf4;

    public override long StorageBytes => packed.numel() + absmaxCodes.numel() + 4 * (absmaxScales.numel() + offset.numel());

    public override Device Device => packed.device;

    /// <summary>The packed codes, uint8, two per byte (for tests that check the layout).</summary>
    public Tensor PackedCodes => packed;

    public static Nf4Weight Quantize(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = weight.device;
        var flat = BlockwiseCodebook.PadToBlocks(weight.detach().reshape(-1).to(ScalarType.Float32), BlockSize);
        var (codes, absmax) = BlockwiseCodebook.Quantize(flat, NormalFloat4.Table(device), BlockSize);
        var pairs = codes.view(-1, 2);
        var packed = pairs.select(1, 0).bitwise_left_shift(4).bitwise_or(pairs.select(1, 1));

        var offset = absmax.mean().reshape(1);
        var centred = BlockwiseCodebook.PadToBlocks(absmax - offset, ScaleBlockSize);
        var (absmaxCodes, absmaxScales) = BlockwiseCodebook.Quantize(centred, DynamicMap.Signed(device), ScaleBlockSize);
        return new Nf4Weight(weight.shape, packed.DetachFromDisposeScope(), absmaxCodes.DetachFromDisposeScope(),
            absmaxScales.DetachFromDisposeScope(), offset.DetachFromDisposeScope(), absmax.shape[0]);
    }

    /// <summary>The per-block absmax after double quantization, float32 [blocks].</summary>
    public Tensor BlockAbsmax()
    {
        using var scope = NewDisposeScope();
        var absmax = BlockwiseCodebook.Dequantize(absmaxCodes, absmaxScales, dynamic).reshape(-1).narrow(0, 0, blocks) + offset;
        return absmax.MoveToOuterDisposeScope();
    }

    public override Tensor Dequantize(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var codes = stack([packed.bitwise_right_shift(4), packed.bitwise_and(15)], 1).view(-1, BlockSize);
        var values = BlockwiseCodebook.Dequantize(codes, BlockAbsmax(), nf4).reshape(-1).narrow(0, 0, ElementCount);
        return values.view(Shape).to(dtype).MoveToOuterDisposeScope();
    }

    public override void MoveTo(Device device)
    {
        packed = Moved(packed, device);
        absmaxCodes = Moved(absmaxCodes, device);
        absmaxScales = Moved(absmaxScales, device);
        offset = Moved(offset, device);
        nf4 = Moved(nf4, device);
        dynamic = Moved(dynamic, device);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var tensor in new[] { packed, absmaxCodes, absmaxScales, offset, nf4, dynamic })
            tensor.Dispose();
    }
}
