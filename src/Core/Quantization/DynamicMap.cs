using static TorchSharp.torch;

namespace TuningService.Core.Quantization;

/// <summary>
/// bitsandbytes' signed 8-bit "dynamic" map (Dettmers 2015, arXiv 1511.04561): 256 values in [-1, 1] with a dynamic
/// exponent, dense near 0. QLoRA's double quantization stores the blockwise scales in it. Built as
/// `create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8)` in bitsandbytes/functional.py builds it:
/// for i in 0..6, the 2^i midpoints of linspace(0.1, 1, 2^i + 1) times 10^(i - 6), with both signs, plus 0 and 1,
/// sorted. The same libtorch linspace and float32 arithmetic are used so the values come out as bitsandbytes' do.
/// </summary>
public static class DynamicMap
{
    private const int MaxExponentBits = 7;

    /// <summary>The 256 sorted values as a float32 tensor on <paramref name="device"/>.</summary>
    public static Tensor Signed(Device device)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (var i = 0; i < MaxExponentBits; i++)
        {
            var count = (1 << i) + 1;
            var boundaries = linspace(0.1, 1, count, ScalarType.Float32);
            var means = (boundaries.narrow(0, 0, count - 1) + boundaries.narrow(0, 1, count - 1)) / 2.0;
            var scaled = means * Math.Pow(10, -(MaxExponentBits - 1) + i);
            parts.Add(scaled);
            parts.Add(-scaled);
        }
        parts.Add(zeros(1, ScalarType.Float32));
        parts.Add(ones(1, ScalarType.Float32));
        var (sorted, _) = cat(parts).sort();
        return sorted.to(device).MoveToOuterDisposeScope();
    }
}
