using TuningService.Core.Quantization;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Quantization;

/// <summary>Blockwise absmax int8 storage (<see cref="Int8Weight"/>).</summary>
public sealed class Int8WeightTests
{
    /// <summary>Each element is rounded to the nearest of 255 steps of absmax / 127: within half a step, absmax / 254
    /// (plus float32 rounding of the scale, under 1e-6 of absmax).</summary>
    [Theory]
    [InlineData(256, 320)]
    [InlineData(3, 7)]
    public void Every_element_is_within_half_a_step_of_its_block(int rows, int columns)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        var weight = randn([rows, columns], generator: generator) * 0.02;
        weight[0, 0] = tensor(-0.7f);
        using var quantized = Int8Weight.Quantize(weight);
        var back = quantized.Dequantize(ScalarType.Float32);
        Assert.Equal(weight.shape, back.shape);
        var padding = (64 - weight.numel() % 64) % 64;
        var blocks = nn.functional.pad(weight.reshape(-1), [0, padding]).view(-1, 64);
        var absmax = blocks.abs().amax([1]);
        Assert.True(absmax.allclose(quantized.BlockAbsmax, rtol: 0, atol: 0));
        var error = nn.functional.pad((weight - back).reshape(-1).abs(), [0, padding]).view(-1, 64);
        var excess = (error - (absmax * (1 / 254.0 + 1e-6)).unsqueeze(1)).max().item<float>();
        Assert.True(excess <= 0, $"an element is {excess} beyond absmax / 254");
    }

    [Fact]
    public void The_largest_element_of_a_block_is_exact_and_zero_stays_zero()
    {
        using var weight = tensor(new float[] { 0.3f, -0.6f, 0f, 0.15f }).reshape(2, 2);
        using var quantized = Int8Weight.Quantize(weight);
        using var back = quantized.Dequantize(ScalarType.Float32);
        var values = back.reshape(-1).data<float>().ToArray();
        Assert.Equal(-0.6f, values[1]);
        Assert.Equal(0f, values[2]);
    }
}
