using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// A flat float32 tensor of <see cref="Count"/> elements kept as one 8-bit code per element (an index into a
/// <see cref="DynamicQuantizationMap"/>) and one float32 absolute maximum per block of <see cref="BlockSize"/>
/// elements: element = map[code] · absmax of its block. Blockwise scales keep one outlier from flattening the
/// resolution of the whole tensor (Dettmers et al. 2022). 1 byte per element plus 4 per block: 1.016 bytes.
/// </summary>
/// <remarks>The codes cover whole blocks; the last block's positions past <see cref="Count"/> hold the code of 0.</remarks>
internal sealed class BlockwiseQuantizedTensor : IDisposable
{
    /// <summary>bitsandbytes' block for its blockwise optimizers: state buffers get ⌈n / 256⌉ absmax entries
    /// (<c>bitsandbytes/optim/optimizer.py</c>, <c>Optimizer2State.init_state</c>).</summary>
    public const int BlockSize = 256;

    private readonly DynamicQuantizationMap _map;

    /// <summary>A tensor of zeros: every absmax 0, so every element decodes to 0 whatever its code.</summary>
    public BlockwiseQuantizedTensor(long count, DynamicQuantizationMap map, Device device)
    {
        Count = count;
        Blocks = (count + BlockSize - 1) / BlockSize;
        _map = map;
        Codes = zeros(Blocks * BlockSize, ScalarType.Byte, device);
        Absmax = zeros(Blocks, ScalarType.Float32, device);
    }

    public long Count { get; }
    public long Blocks { get; }

    /// <summary>uint8 [Blocks × BlockSize].</summary>
    public Tensor Codes { get; }

    /// <summary>float32 [Blocks].</summary>
    public Tensor Absmax { get; }

    /// <summary>Blocks <paramref name="firstBlock"/>.. (<paramref name="blocks"/> of them) as float32 [blocks, BlockSize].</summary>
    public Tensor Dequantize(long firstBlock, long blocks)
    {
        Tensor codes = Codes.narrow(0, firstBlock * BlockSize, blocks * BlockSize).view(blocks, BlockSize);
        return _map.Decode(codes).mul_(Absmax.narrow(0, firstBlock, blocks).unsqueeze(1));
    }

    /// <summary>Stores <paramref name="values"/> (float32 [blocks, BlockSize]) as blocks <paramref name="firstBlock"/>..:
    /// each block's absmax is its largest magnitude, and each element gets the code nearest to value / absmax.</summary>
    public void Quantize(long firstBlock, Tensor values)
    {
        using var scope = NewDisposeScope();
        long blocks = values.shape[0];
        Tensor absmax = values.abs().amax(1);
        // An all-zero block has absmax 0; dividing its zeros by 1 instead encodes them as the code of 0.
        Tensor normalized = values / absmax.masked_fill(absmax == 0, 1).unsqueeze(1);
        Codes.narrow(0, firstBlock * BlockSize, blocks * BlockSize).copy_(_map.Encode(normalized).view(-1));
        Absmax.narrow(0, firstBlock, blocks).copy_(absmax);
    }

    /// <summary>The whole tensor, float32 [Count] (for tests and inspection; a step works block range by block range).</summary>
    public Tensor Dequantize() => Dequantize(0, Blocks).view(-1).narrow(0, 0, Count);

    /// <summary>Quantizes a whole flat float32 tensor of <see cref="Count"/> elements.</summary>
    public void Quantize(Tensor values)
    {
        using var scope = NewDisposeScope();
        Tensor flat = values.reshape(-1);
        Tensor padded = Blocks * BlockSize == Count ? flat : nn.functional.pad(flat, [0, Blocks * BlockSize - Count]);
        Quantize(0, padded.view(Blocks, BlockSize));
    }

    public void Dispose()
    {
        Codes.Dispose();
        Absmax.Dispose();
    }
}
