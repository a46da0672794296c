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
    private readonly byte[] _countBelowPositive;
    private readonly byte[] _countBelowNegative;

    private DynamicQuantizationMap(Tensor values, Tensor midpoints, float[] hostValues, float[] hostMidpoints)
    {
        Values = values;
        Midpoints = midpoints;
        _hostValues = hostValues;
        _hostMidpoints = hostMidpoints;
        _countBelowPositive = CountsBelow(hostMidpoints, negative: false);
        _countBelowNegative = CountsBelow(hostMidpoints, negative: true);
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

    /// <summary>The code <see cref="Encode"/> gives <paramref name="normalized"/> (in [−1, 1]): how many midpoints lie
    /// below it, <c>bucketize</c>'s rule.</summary>
    /// <remarks>
    /// A binary search costs 8 dependent loads per element, most of the CPU update's time. Instead the float's top 16
    /// bits (sign, exponent, 7 mantissa bits) pick a bucket of values at most 2⁻⁷ apart relatively, less than the
    /// map's spacing (at least 0.7% of a value), so a bucket holds at most two midpoints: a table gives the count of
    /// midpoints below the bucket's lowest value, and one or two comparisons finish the count exactly.
    /// </remarks>
    public byte Nearest(float normalized)
    {
        uint bits = BitConverter.SingleToUInt32Bits(normalized);
        int bucket = (int)Math.Min(bits >> 16 & 0x7FFF, TableBuckets - 1);
        int code = (bits >> 31 == 0 ? _countBelowPositive : _countBelowNegative)[bucket];
        float[] midpoints = _hostMidpoints;
        while (code < midpoints.Length && midpoints[code] < normalized)
        {
            code++;
        }
        return (byte)code;
    }

    /// <summary>Buckets up to |x| = 1 (0x3F80 is the top 16 bits of 1.0f), and one more for rounding past it.</summary>
    private const int TableBuckets = 0x3F81 + 1;

    /// <summary>For x ≥ 0 in bucket b (|x| in [b·2¹⁶, (b + 1)·2¹⁶) as bits), the lowest x is b·2¹⁶ itself; for x &lt; 0,
    /// it is the negation of the bucket's largest magnitude.</summary>
    private static byte[] CountsBelow(float[] midpoints, bool negative)
    {
        var counts = new byte[TableBuckets];
        for (int bucket = 0; bucket < TableBuckets; bucket++)
        {
            float lowest = negative
                ? -BitConverter.UInt32BitsToSingle(((uint)bucket << 16) | 0xFFFF)
                : BitConverter.UInt32BitsToSingle((uint)bucket << 16);
            counts[bucket] = (byte)midpoints.Count(m => m < lowest);
        }
        return counts;
    }

    public void Dispose()
    {
        Midpoints.Dispose();
        Values.Dispose();
    }
}
