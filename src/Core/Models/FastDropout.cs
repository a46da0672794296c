using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// Inverted dropout, <c>x · mask / (1 − p)</c>, as <c>torch.nn.functional.dropout</c> computes it, with the mask drawn
/// here on the CPU rather than by LibTorch.
/// </summary>
/// <remarks>
/// Why not LibTorch's: on the CPU its Bernoulli draw runs on one thread through the serial mt19937 generator (it
/// uses MKL's parallel generator only on Intel processors), and a profile of T5 LoRA training on this AMD machine
/// (bench/profile) put 10% of all CPU samples in it, with the other core waiting. Here each element's draw is a
/// SplitMix64 hash of (a seed, its index): no state to carry from one element to the next, one pass that writes
/// the mask directly. The seed is drawn from torch's global generator, so a run seeded the same way drops the same
/// elements, and the trainer's per-step reseeding still makes each step replay. Off the CPU, and for dtypes other
/// than fp32/bf16, LibTorch's dropout runs as before.
/// </remarks>
public static class FastDropout
{
    /// <summary>x with each element zeroed with probability <paramref name="p"/> and the rest scaled by 1/(1 − p),
    /// when <paramref name="training"/>; x itself otherwise.</summary>
    public static Tensor Apply(Tensor x, double p, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!training || p == 0)
            return x;
        if (p is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        if (p == 1)
            return x * 0;
        if (x.device_type != TorchSharp.DeviceType.CPU || x.dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            return nn.functional.dropout(x, p, training: true);
        return x * Mask(x.shape, x.dtype, p, NextSeed());
    }

    /// <summary>A tensor of <paramref name="shape"/> holding 0 with probability p and 1/(1 − p) otherwise (in
    /// <paramref name="dtype"/>, fp32 or bf16), a function of <paramref name="seed"/> alone.</summary>
    public static Tensor Mask(long[] shape, ScalarType dtype, double p, ulong seed)
    {
        Tensor mask = empty(shape, dtype);
        // Keep when the hash's 32-bit half is below (1 − p)·2³²: the keep probability to within 2⁻³².
        uint keepBelow = (uint)Math.Min(uint.MaxValue, Math.Round((1 - p) * 4294967296.0));
        float scale = (float)(1 / (1 - p));
        if (dtype == ScalarType.Float32)
        {
            Fill(MemoryMarshal.Cast<byte, float>(mask.bytes), seed, keepBelow, scale, 0f);
        }
        else
        {
            // bf16 is the upper half of an fp32; rounded to nearest even, as LibTorch rounds 1/(1 − p) into a bf16 mask.
            uint bits = BitConverter.SingleToUInt32Bits(scale);
            ushort scaleBits = (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
            Fill(MemoryMarshal.Cast<byte, ushort>(mask.bytes), seed, keepBelow, scaleBits, (ushort)0);
        }
        return mask;
    }

    private static void Fill<T>(Span<T> mask, ulong seed, uint keepBelow, T kept, T dropped)
    {
        // One 64-bit hash gives two elements their 32-bit draws.
        int pairs = mask.Length / 2;
        for (int i = 0; i < pairs; i++)
        {
            ulong hash = SplitMix64(seed, (ulong)i);
            mask[2 * i] = (uint)hash < keepBelow ? kept : dropped;
            mask[2 * i + 1] = (uint)(hash >> 32) < keepBelow ? kept : dropped;
        }
        if (mask.Length % 2 == 1)
            mask[^1] = (uint)SplitMix64(seed, (ulong)pairs) < keepBelow ? kept : dropped;
    }

    /// <summary>SplitMix64's output function (Steele, Lea and Flood 2014) at position <paramref name="index"/> of
    /// the stream that starts at <paramref name="seed"/>.</summary>
    private static ulong SplitMix64(ulong seed, ulong index)
    {
        ulong z = seed + (index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>63 random bits from torch's global CPU generator (one small draw per dropout call).</summary>
    private static ulong NextSeed()
    {
        using Tensor draw = randint(0, long.MaxValue, [1], dtype: ScalarType.Int64);
        return (ulong)draw.item<long>();
    }
}
