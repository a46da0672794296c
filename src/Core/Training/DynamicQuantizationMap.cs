using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// The 256 values an 8-bit optimizer code stands for: bitsandbytes' dynamic (tree) quantization map
/// (<c>bitsandbytes.functional.create_dynamic_map(signed, max_exponent_bits=7, total_bits=8)</c>; Dettmers et al. 2022,
/// "8-bit Optimizers via Block-wise Quantization", arXiv 2110.02861). Each decade 10⁻⁶…10⁰ gets a run of evenly spaced
/// fractions, twice as many per decade going up, so small moments keep their relative precision; 0 and 1 are added.
/// The signed map (the first moment) spends its bits on both signs and reaches −0.99297 below and 1 above; the unsigned
/// one (the second moment) has twice the resolution on [0, 1].
/// </summary>
/// <remarks>
/// Written here because bitsandbytes is a Python/CUDA library that TorchSharp cannot call. The values are built with
/// the same libtorch operations in the same order as bitsandbytes does (float32 linspace, midpoints, scaling), so they
/// are the same float32 numbers. Encoding picks the nearest value (bitsandbytes' blockwise kernels do too), found by
/// <c>bucketize</c> on the midpoints between neighbouring values, so it runs on any device.
/// </remarks>
internal sealed class DynamicQuantizationMap : IDisposable
{
    public const int Size = 256;
    private const int MaxExponentBits = 7;

    private readonly float[] _hostValues;
    private readonly float[] _hostMidpoints;

    private DynamicQuantizationMap(Tensor values, Tensor midpoints, float[] hostValues, float[] hostMidpoints)
    {
        Values = values;
        Midpoints = midpoints;
        _hostValues = hostValues;
        _hostMidpoints = hostMidpoints;
        ZeroCode = Nearest(0f);
    }

    /// <summary>The 256 values in ascending order (float32), on the map's device.</summary>
    public Tensor Values { get; }

    /// <summary>The 255 midpoints between neighbouring values: a code's bucket bounds.</summary>
    public Tensor Midpoints { get; }

    public static DynamicQuantizationMap Create(bool signed, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor hostValues = BitsAndBytesValues(signed);
        Tensor hostMidpoints = (hostValues[..^1] + hostValues[1..]) / 2.0;
        return new DynamicQuantizationMap(hostValues.to(device).MoveToOuterDisposeScope(), hostMidpoints.to(device).MoveToOuterDisposeScope(),
            hostValues.data<float>().ToArray(), hostMidpoints.data<float>().ToArray());
    }

    /// <summary>bitsandbytes' map on the CPU, float32, sorted.</summary>
    public static Tensor BitsAndBytesValues(bool signed)
    {
        using var scope = NewDisposeScope();
        // total_bits − 1 bits besides the sign bit, for both maps (bitsandbytes' `non_sign_bits`); with 7 exponent bits
        // that leaves no "additional items" region.
        const int nonSignBits = 8 - 1;
        var parts = new List<Tensor>();
        for (int i = 0; i < MaxExponentBits; i++)
        {
            long fractionItems = signed ? (1L << (i + nonSignBits - MaxExponentBits)) + 1 : (1L << (i + nonSignBits - MaxExponentBits + 1)) + 1;
            Tensor boundaries = linspace(0.1, 1, fractionItems, dtype: ScalarType.Float32);
            Tensor means = (boundaries[..^1] + boundaries[1..]) / 2.0;
            double scale = Math.Pow(10, -(MaxExponentBits - 1) + i);
            parts.Add(means * scale);
            if (signed)
            {
                parts.Add(means * -scale);
            }
        }
        parts.Add(tensor(new float[] { 0, 1 }));
        Tensor values = cat(parts);
        if (values.shape[0] != Size)
        {
            throw new InvalidOperationException($"The dynamic map has {values.shape[0]} values, not {Size}.");
        }
        return values.sort().Values.MoveToOuterDisposeScope();
    }

    /// <summary>The code (index of the nearest value) of each element of <paramref name="normalized"/>, which lies in
    /// [−1, 1] (signed) or [0, 1] (unsigned); uint8, same shape.</summary>
    public Tensor Encode(Tensor normalized) => bucketize(normalized, Midpoints).to_type(ScalarType.Byte);

    /// <summary>The values of <paramref name="codes"/> (uint8), float32, same shape.</summary>
    public Tensor Decode(Tensor codes) => Values.take(codes.to_type(ScalarType.Int64));

    /// <summary>The map's values in host memory, for the CPU loop (<see cref="AdamW8bitCpuUpdate"/>).</summary>
    public ReadOnlySpan<float> HostValues => _hostValues;

    /// <summary>The code of 0 (what padding past a tensor's end holds).</summary>
    public byte ZeroCode { get; }

    /// <summary>The code <see cref="Encode"/> gives <paramref name="normalized"/>: how many midpoints lie below it
    /// (<c>bucketize</c>'s rule), by an 8-step binary search over the 255 midpoints.</summary>
    public byte Nearest(float normalized)
    {
        // Unrolled: the largest index read is 254, inside the 255 midpoints.
        float[] m = _hostMidpoints;
        int code = m[127] < normalized ? 128 : 0;
        code += m[code + 63] < normalized ? 64 : 0;
        code += m[code + 31] < normalized ? 32 : 0;
        code += m[code + 15] < normalized ? 16 : 0;
        code += m[code + 7] < normalized ? 8 : 0;
        code += m[code + 3] < normalized ? 4 : 0;
        code += m[code + 1] < normalized ? 2 : 0;
        code += m[code] < normalized ? 1 : 0;
        return (byte)code;
    }

    public void Dispose()
    {
        Midpoints.Dispose();
        Values.Dispose();
    }
}
