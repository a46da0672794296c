using System.Runtime.InteropServices;

namespace TuningService.Core.Common;

/// <summary>
/// Runs long CPU/GPU-bound work (training, evaluation, calibration) on a thread of its own — not a pool thread —
/// whose scheduling priority is lowered on Linux, so that the HTTP server in the same process answers promptly while
/// a job trains on every core.
/// </summary>
/// <remarks>
/// Why niceness rather than fewer threads: LibTorch's intra-op threads are OpenMP threads that libgomp creates from
/// the thread that first runs a parallel region, and a new Linux thread inherits its creator's nice value. So the
/// trainer keeps all cores when nothing else wants them, and the kernel hands them to request threads (weight 1024
/// against 110 at nice 10) the moment they do. Taking a core away from training for good would cost the trainer
/// half its speed on a 2-core machine to protect an API that is idle most of the time.
/// </remarks>
public static class ComputeThread
{
    /// <summary>The nice value compute threads run at (0 is normal, 19 the lowest priority).</summary>
    public const int Niceness = 10;

    /// <summary>Runs <paramref name="work"/> on a new, lowered-priority thread.</summary>
    public static Task<T> Run<T>(Func<T> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Task.Factory.StartNew(() =>
        {
            LowerCurrentThread();
            return work();
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Sets the calling thread's nice value to <see cref="Niceness"/>; false where that is not possible (not Linux, or refused).</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux()) return false;
        // setpriority(PRIO_PROCESS, tid) acts on one thread under Linux (NPTL), not on the whole process.
        return SetPriority(PrioProcess, GetThreadId(), Niceness) == 0;
    }

    const int PrioProcess = 0;

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code enabled for the whole
    // project, and two int-only calls need no marshalling at all.
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
