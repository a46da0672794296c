using static TorchSharp.torch;

namespace TuningService.Core.Quantization;

/// <summary>
/// Blockwise absmax quantization onto a sorted codebook, as bitsandbytes' quantize_blockwise / quantize_4bit do
/// (bitsandbytes/backends/default/ops.py): each block is scaled by the reciprocal of its largest |x| into [-1, 1]
/// and each value takes the index of the nearest code. All tensor ops, so it runs wherever the input lives.
/// </summary>
internal static class BlockwiseCodebook
{
    /// <summary>
    /// Codes (uint8, shape [blocks, blockSize]) and absmax (float32 [blocks]) of <paramref name="values"/>, a flat
    /// float32 tensor whose length is a multiple of <paramref name="blockSize"/>.
    /// </summary>
    public static (Tensor Codes, Tensor Absmax) Quantize(Tensor values, Tensor codebook, int blockSize)
    {
        using var scope = NewDisposeScope();
        var blocks = values.view(-1, blockSize);
        var absmax = blocks.abs().amax([1]);
        // An all-zero block has absmax 0: it is scaled by 1 instead (bitsandbytes would divide by zero), so its
        // values stay 0 and take the code of 0; dequantizing multiplies by the stored 0 anyway.
        var safe = where(absmax > 0, absmax, ones_like(absmax));
        // × 1/absmax, as bitsandbytes scales (not ÷ absmax), so the codes match its on the same inputs.
        var scaled = (blocks * safe.reciprocal().unsqueeze(1)).clamp(-1, 1);
        // Nearest code = the bucket between midpoints. bucketize puts a value equal to a midpoint in the lower
        // bucket, as bitsandbytes' CUDA kernel does (dQuantizeNF4 tests x > midpoint).
        var midpoints = (codebook.narrow(0, 0, codebook.shape[0] - 1) + codebook.narrow(0, 1, codebook.shape[0] - 1)) / 2.0;
        var codes = bucketize(scaled, midpoints).to(ScalarType.Byte);
        return (codes.MoveToOuterDisposeScope(), absmax.MoveToOuterDisposeScope());
    }

    /// <summary>codebook[codes] × absmax per block, float32 [blocks, blockSize].</summary>
    public static Tensor Dequantize(Tensor codes, Tensor absmax, Tensor codebook)
    {
        using var scope = NewDisposeScope();
        var values = codebook.index_select(0, codes.reshape(-1).to(ScalarType.Int32)).view(codes.shape);
        return (values * absmax.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="flat"/> padded with zeros to a multiple of <paramref name="blockSize"/>.</summary>
    public static Tensor PadToBlocks(Tensor flat, int blockSize)
    {
        var remainder = flat.shape[0] % blockSize;
        return remainder == 0 ? flat.alias() : nn.functional.pad(flat, [0, blockSize - remainder]);
    }
}
