using System.Diagnostics;
using TorchSharp;

namespace TuningService.Bench.MemoryBench;

/// <summary>The bf16 matrix-product ceiling MFU is measured against: a 4096³ product, LibTorch's threads = the cores.</summary>
public static class BfloatCeiling
{
    public const int Size = 4096;

    public static double MeasureGflops(int repeats = 3)
    {
        torch.set_num_threads(Environment.ProcessorCount);
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(Size, Size, dtype: torch.ScalarType.BFloat16);
        var b = torch.randn(Size, Size, dtype: torch.ScalarType.BFloat16);
        _ = torch.mm(a, b); // warm-up: the first product also sets up LibTorch's kernels
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            using var c = torch.mm(a, b);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * Size * Size * Size / best / 1e9;
    }
}
