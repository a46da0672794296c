using System.Runtime.InteropServices;

namespace TuningService.Core.Common;

/// <summary>
/// How the C allocator (glibc's malloc, which LibTorch's CPU tensors come from) treats large blocks while a model
/// trains, and giving its free memory back to the system afterwards.
/// </summary>
/// <remarks>
/// Why: glibc serves every block above its mmap threshold (at most 32 MiB, whatever it is set to) with a fresh
/// mmap and unmaps it on free. A training step allocates and frees the same large tensors every time (a Llama's
/// logits for 8 × 128 positions over 32,000 tokens are 131 MB, and the loss and the backward pass keep several),
/// so every step took tens of thousands of page faults and zeroed the pages again: 17% of all CPU samples of a
/// Llama LoRA step went to the kernel (bench/profile). With mmap off and the heap not trimmed, the freed blocks
/// are reused: +10–15% tokens/s for Llama and T5, full and LoRA (FineTuneBench, BENCHMARKS.md). The cost is that
/// the heap keeps its peak while training; <see cref="ReleaseFreeMemory"/> hands it back when a run ends.
/// The settings are process-wide and stay once made; off Linux/glibc (musl, Windows, macOS) nothing happens.
/// </remarks>
public static class NativeHeap
{
    private const int TrimThreshold = -1, MmapThreshold = -3, MmapMax = -4; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_MMAP_MAX in glibc's malloc.h

    private const int FixedMmapThreshold = 128 * 1024; // glibc's initial threshold, made fixed

    private const int DefaultMmapMax = 65536, DefaultTrimThreshold = 128 * 1024; // glibc's defaults (mallopt(3))

    private static volatile bool _keeping;

    /// <summary>Large blocks come from the heap and stay there when freed. True when glibc took both settings.</summary>
    public static bool KeepLargeBlocks() =>
        Call(() => _keeping = MallOpt(MmapMax, 0) == 1 && MallOpt(TrimThreshold, int.MaxValue) == 1);

    /// <summary>
    /// For a run whose memory plan is tight: every block of 128 KiB or more gets its own mapping and goes back to the
    /// system when freed, and the heap is trimmed. Undoes <see cref="KeepLargeBlocks"/> if it was made.
    /// </summary>
    /// <remarks>
    /// Why a fixed threshold rather than glibc's default: by default the threshold is dynamic, and each time a mapped
    /// block is freed glibc raises it to that block's size (up to 32 MiB). A checkpointed step frees blocks of up to tens of MiB,
    /// so after the first ones every activation came from the heap, and the heap kept what the recomputed blocks left
    /// between the long-lived block inputs: a 1.1B LoRA bf16 step (TinyLlama shape, batch 4 × 512) peaked at 5,569 MiB
    /// with glibc's defaults, with 0.9–2.3 GiB of it freed but kept (bench/MemoryBench, MB_PROBE=1), and at 3,231 MiB with
    /// the threshold fixed (BENCHMARKS.md). Setting the threshold turns the dynamic one off. The price is a page fault per
    /// page of each large block, which <see cref="KeepLargeBlocks"/> saves when memory allows.
    /// </remarks>
    public static bool MapLargeBlocks() =>
        Call(() =>
        {
            var mapped = MallOpt(MmapThreshold, FixedMmapThreshold) == 1 && MallOpt(MmapMax, DefaultMmapMax) == 1
                && MallOpt(TrimThreshold, DefaultTrimThreshold) == 1;
            if (mapped) _keeping = false;
            ReleaseFreeMemory();
            return mapped;
        });

    /// <summary>Returns the heap's free memory to the system (malloc_trim). True when glibc released some.</summary>
    public static bool ReleaseFreeMemory() => Call(() => MallocTrim(0) == 1);

    private static bool Call(Func<bool> glibc)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return glibc();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a C library without these glibc extensions
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
