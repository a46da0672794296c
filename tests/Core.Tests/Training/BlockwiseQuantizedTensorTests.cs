using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// Round trips through 8-bit blockwise codes. The bounds come from the maps' spacing: the widest gap between
/// neighbouring values is in the top decade, 0.9/64 (signed) and 0.9/128 (unsigned), so the nearest code is off by at
/// most half of it, times the block's absmax; for a value in the top decade (|x| ≥ absmax/10) that is at most 7.1%
/// (signed) or 3.6% (unsigned) of the value itself.
/// </summary>
public class BlockwiseQuantizedTensorTests
{
    private const double SignedHalfGap = 0.9 / 64 / 2, UnsignedHalfGap = 0.9 / 128 / 2;

    [Theory]
    [InlineData(true, SignedHalfGap)]
    [InlineData(false, UnsignedHalfGap)]
    public void Values_come_back_within_half_the_maps_widest_gap_of_their_blocks_absmax(bool signed, double halfGap)
    {
        using var scope = NewDisposeScope();
        using var map = DynamicQuantizationMap.Create(signed, CPU);
        // 10 blocks and a partial one; magnitudes spread over seven decades, blocks of very different scales.
        const long count = 10 * 256 + 77;
        var generator = new Generator(3);
        Tensor magnitudes = (rand(count, generator: generator) * -7 * Math.Log(10)).exp();
        Tensor blockScales = ((rand((count + 255) / 256, generator: generator) * 8 - 4) * Math.Log(10)).exp().repeat_interleave(256).narrow(0, 0, count);
        Tensor values = magnitudes * blockScales * (signed ? randn(count, generator: generator).sign() : ones(count));
        using var quantized = new BlockwiseQuantizedTensor(count, map, CPU);

        quantized.Quantize(values);
        Tensor restored = quantized.Dequantize();

        Tensor absmax = quantized.Absmax.repeat_interleave(256).narrow(0, 0, count);
        Tensor error = (restored - values).abs();
        Assert.True((error <= absmax * (halfGap * (1 + 1e-5))).all().item<bool>(), $"largest error / absmax {(error / absmax).max().item<float>()}");
        Tensor topDecade = values.abs() >= absmax / 10;
        Assert.True((error[topDecade] <= values.abs()[topDecade] * (halfGap * 10 * (1 + 1e-5))).all().item<bool>());
        Tensor blockMaxima = nn.functional.pad(values.abs(), [0, 11 * 256 - count]).view(11, 256).amax(1);
        Assert.True(quantized.Absmax.equal(blockMaxima).all().item<bool>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_maps_own_values_round_trip_exactly(bool signed)
    {
        using var scope = NewDisposeScope();
        using var map = DynamicQuantizationMap.Create(signed, CPU);
        using var quantized = new BlockwiseQuantizedTensor(256, map, CPU);
        Tensor values = map.Values * 3.5f; // absmax 3.5: the map's 1

        quantized.Quantize(values);

        Assert.True(quantized.Codes.to_type(ScalarType.Int64).equal(arange(256)).all().item<bool>());
        Assert.True(quantized.Dequantize().equal(values).all().item<bool>());
    }

    [Fact]
    public void Zeros_stay_zero_with_a_zero_absmax()
    {
        using var scope = NewDisposeScope();
        using var map = DynamicQuantizationMap.Create(signed: true, CPU);
        using var quantized = new BlockwiseQuantizedTensor(300, map, CPU);

        Assert.True(quantized.Dequantize().eq(0).all().item<bool>());
        quantized.Quantize(zeros(300));
        Assert.True(quantized.Dequantize().eq(0).all().item<bool>());
        Assert.True(quantized.Absmax.eq(0).all().item<bool>());
    }
}
