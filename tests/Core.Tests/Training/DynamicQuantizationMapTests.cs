using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// The maps against bitsandbytes' construction written out in closed form (double arithmetic, not libtorch's
/// linspace): decade d = 10⁻⁶…10⁰ holds the midpoints of n + 1 evenly spaced points on [0.1, 1] scaled by 10^d, with
/// n = 2^(d+6) (signed, both signs) or 2^(d+7) (unsigned), plus 0 and 1.
/// </summary>
public class DynamicQuantizationMapTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_map_is_bitsandbytes_dynamic_map(bool signed)
    {
        using var scope = NewDisposeScope();
        float[] values = DynamicQuantizationMap.BitsAndBytesValues(signed).data<float>().ToArray();

        List<double> expected = [0, 1];
        for (int i = 0; i < 7; i++)
        {
            int count = signed ? 1 << i : 1 << (i + 1);
            double spacing = 0.9 / count, scale = Math.Pow(10, i - 6);
            for (int j = 0; j < count; j++)
            {
                double mean = (0.1 + (j + 0.5) * spacing) * scale;
                expected.Add(mean);
                if (signed)
                {
                    expected.Add(-mean);
                }
            }
        }
        expected.Sort();

        Assert.Equal(256, values.Length);
        for (int k = 0; k < 256; k++)
        {
            // float32 rounding of libtorch's linspace and scaling: a few ulps.
            Assert.True(Math.Abs(values[k] - expected[k]) <= 1e-6 * Math.Abs(expected[k]), $"value {k}: {values[k]} vs {expected[k]}");
        }
        Assert.True(values.Zip(values.Skip(1)).All(pair => pair.First < pair.Second), "ascending, no repeats");
    }

    [Fact]
    public void The_signed_map_ends_at_1_above_and_above_minus_1_below()
    {
        using var scope = NewDisposeScope();
        float[] values = DynamicQuantizationMap.BitsAndBytesValues(signed: true).data<float>().ToArray();

        // bitsandbytes appends 0 and +1 only: 127 negatives, 0, 127 positives below 1, and 1.
        Assert.Equal(1f, values[^1]);
        Assert.Equal(-0.99296875, values[0], 1e-7);
        Assert.Equal(0.99296875, values[^2], 1e-7);
        Assert.Equal(127, values.Count(v => v < 0));
        Assert.Equal(0f, values[127]);
        Assert.Equal(5.5e-7, values[128], 1e-12);
        for (int k = 0; k < 127; k++)
        {
            Assert.Equal(-values[k], values[254 - k]);
        }
    }

    [Fact]
    public void The_unsigned_map_runs_from_0_to_1_with_twice_the_resolution()
    {
        using var scope = NewDisposeScope();
        float[] values = DynamicQuantizationMap.BitsAndBytesValues(signed: false).data<float>().ToArray();

        Assert.Equal((0f, 1f), (values[0], values[^1]));
        Assert.Equal(3.25e-7, values[1], 1e-12);
        Assert.Equal(7.75e-7, values[2], 1e-12);
        Assert.Equal(0.996484375, values[^2], 1e-7);
        Assert.Equal(128, values.Count(v => v is >= 0.1f and < 1f));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_host_search_gives_the_codes_bucketize_gives(bool signed)
    {
        using var scope = NewDisposeScope();
        using var map = DynamicQuantizationMap.Create(signed, CPU);
        // Every midpoint and its neighbours one ulp either side (where the two could part), the values, and random
        // values over seven decades of magnitude.
        var probes = new List<float>(map.Values.data<float>().ToArray());
        foreach (float midpoint in map.Midpoints.data<float>().ToArray())
        {
            probes.AddRange([midpoint, MathF.BitDecrement(midpoint), MathF.BitIncrement(midpoint)]);
        }
        var generator = new Generator(9);
        Tensor magnitudes = (rand(100_000, generator: generator) * -7 * Math.Log(10)).exp();
        Tensor random = signed ? magnitudes * (rand(100_000, generator: generator) - 0.5).sign() : magnitudes;
        probes.AddRange(random.data<float>().ToArray());
        probes = probes.Where(p => p is >= -1 and <= 1 && (signed || p >= 0)).ToList();

        byte[] expected = map.Encode(tensor(probes.ToArray())).data<byte>().ToArray();
        byte[] actual = probes.Select(map.Nearest).ToArray();

        Assert.Equal(expected, actual);
    }
}
