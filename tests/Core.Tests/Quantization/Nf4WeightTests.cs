using TuningService.Core.Quantization;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Quantization;

/// <summary>NF4 storage (<see cref="Nf4Weight"/>): bitsandbytes' table and packing, and the error bound.</summary>
public sealed class Nf4WeightTests
{
    [Fact]
    public void Codes_and_packing_are_bitsandbytes()
    {
        // One block, absmax 1: -1 is code 0, 0 is code 7, +1 is code 15; the first of each pair is the high nibble.
        var values = new float[64];
        (values[0], values[1], values[2], values[3], values[4], values[5]) = (-1f, 0f, 0f, 1f, 1f, -1f);
        using var weight = tensor(values).reshape(1, 64);
        using var quantized = Nf4Weight.Quantize(weight);

        var bytes = quantized.PackedCodes.data<byte>().ToArray();
        Assert.Equal(32, bytes.Length);
        Assert.Equal([0x07, 0x7F, 0xF0], bytes[..3]);
        Assert.All(bytes[3..], b => Assert.Equal(0x77, b));
        using var back = quantized.Dequantize(ScalarType.Float32);
        Assert.Equal(values, back.reshape(-1).data<float>().ToArray());
    }

    [Fact]
    public void The_table_is_sorted_with_an_exact_zero_at_code_7()
    {
        Assert.Equal(16, NormalFloat4.Values.Length);
        Assert.Equal(NormalFloat4.Values.Order(), NormalFloat4.Values);
        Assert.Equal(0f, NormalFloat4.Values[7]);
        Assert.Equal((-1f, 1f), (NormalFloat4.Values[0], NormalFloat4.Values[15]));
    }

    [Fact]
    public void The_dynamic_map_has_256_sorted_values_from_about_minus_one_to_one()
    {
        using var map = DynamicMap.Signed(CPU);
        var values = map.data<float>().ToArray();
        Assert.Equal(256, values.Length);
        Assert.Equal(values.Order(), values);
        Assert.Equal(values.Length, values.Distinct().Count());
        Assert.Equal(1f, values[^1]);
        Assert.Contains(0f, values);
        Assert.Equal(-0.99296875f, values[0], 6); // the most negative mean of linspace(0.1, 1, 65): bitsandbytes has no -1
    }

    /// <summary>
    /// The bound, per element x of a 64-block with absmax a, the block in a group of 256 blocks whose centred absmax
    /// (a - mean) have largest magnitude A: x / a is rounded to the nearest NF4 value, at most half the widest gap g of
    /// the table away (g = 1 - 0.7229568, between the two largest codes), so |x - a·code| ≤ a·g/2; the stored absmax â
    /// is off by at most half the widest gap d of the dynamic map times A, and |code| ≤ 1, so
    /// |x - â·code| ≤ a·g/2 + A·d/2. Float32 rounding adds at most a few ulps, under 1e-6·a.
    /// </summary>
    [Theory]
    [InlineData(256, 320)]  // 1,280 blocks: five groups of 256 scales
    [InlineData(3, 7)]      // less than one block: padded
    [InlineData(96, 100)]   // a tail block and a partial group of scales
    public void Every_element_is_within_the_derived_bound(int rows, int columns)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7, CPU);
        var weight = randn([rows, columns], generator: generator) * 0.02;
        weight[0, 0] = tensor(0.5f); // an outlier: its block's absmax is far from the others
        using var quantized = Nf4Weight.Quantize(weight);
        var back = quantized.Dequantize(ScalarType.Float32);
        Assert.Equal(weight.shape, back.shape);

        var widestNf4Gap = NormalFloat4.Values.Zip(NormalFloat4.Values.Skip(1), (a, b) => b - a).Max();
        var dynamic = DynamicMap.Signed(CPU).data<float>().ToArray();
        // The map stops at -0.99296875, so -1 is 1 - 0.99296875 from its nearest code: within half the widest gap too.
        var widestDynamicGap = dynamic.Zip(dynamic.Skip(1), (a, b) => b - a).Max();
        Assert.True(1 + dynamic[0] <= widestDynamicGap / 2);
        var flat = nn.functional.pad(weight.reshape(-1), [0, (64 - weight.numel() % 64) % 64]).view(-1, 64);
        var absmax = flat.abs().amax([1]);
        var centred = absmax - absmax.mean();
        var groups = nn.functional.pad(centred, [0, (256 - centred.numel() % 256) % 256]).view(-1, 256).abs().amax([1]);
        var groupOfBlock = groups.repeat_interleave(256).narrow(0, 0, absmax.numel());
        var bound = absmax * (widestNf4Gap / 2) + groupOfBlock * (widestDynamicGap / 2) + absmax * 1e-6;
        var error = nn.functional.pad((weight - back).reshape(-1).abs(), [0, (64 - weight.numel() % 64) % 64]).view(-1, 64);
        var excess = (error - bound.unsqueeze(1)).max().item<float>();
        Assert.True(excess <= 0, $"an element is {excess} beyond its bound");
        // and the bound is not vacuous: the typical error is well inside it
        Assert.True((weight - back).abs().mean().item<float>() < 0.25 * bound.mean().item<float>());
    }

    [Fact]
    public void A_zero_weight_stays_zero()
    {
        using var weight = zeros(4, 64);
        using var quantized = Nf4Weight.Quantize(weight);
        using var back = quantized.Dequantize(ScalarType.Float32);
        Assert.Equal(0f, back.abs().max().item<float>());
    }

    [Fact]
    public void Storage_is_about_four_and_an_eighth_bits_per_weight()
    {
        using var weight = randn(512, 512);
        using var quantized = Nf4Weight.Quantize(weight);
        // 4 bits + 8 bits per 64 for the scale codes + 32 bits per 256 × 64 for their scales + the offset.
        Assert.Equal(512 * 512 / 2 + 512 * 512 / 64 + 4 * (512 * 512 / 64 / 256) + 4, quantized.StorageBytes);
    }
}
