using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TuningService.Bench.ApiLoadBench;

/// <summary>
/// Sleeps the calling thread until a <see cref="Stopwatch"/> timestamp, to within the scheduler's wake-up latency
/// (tens of microseconds), with one wake-up: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), the clock .NET's
/// Stopwatch reads on Linux. Task.Delay and Thread.Sleep only have whole milliseconds; polling with them woke the
/// generator twice per request and kept a timer thread busy, CPU the generator takes from the API it measures.
/// </summary>
public static class MonotonicSleep
{
    private const int ClockMonotonic = 1, TimerAbsolute = 1, Interrupted = 4; // EINTR

    // Stopwatch.GetTimestamp is clock_gettime(CLOCK_MONOTONIC) in nanoseconds on Linux.
    public static bool IsAvailable => OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    public static void Until(long timestamp)
    {
        if (!IsAvailable)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            return;
        }
        var request = new Timespec(timestamp / 1_000_000_000, timestamp % 1_000_000_000);
        while (ClockNanosleep(ClockMonotonic, TimerAbsolute, ref request, IntPtr.Zero) == Interrupted)
        {
            // a signal (the runtime uses some) woke it early: sleep again until the same time
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec(long seconds, long nanoseconds)
    {
        public long Seconds = seconds;
        public long Nanoseconds = nanoseconds;
    }

    // Returns 0 or an error number (not -1 with errno). DllImport rather than LibraryImport: the generated marshalling
    // of a ref struct needs unsafe code enabled for the project, and a blittable struct needs no marshalling.
    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, ref Timespec request, IntPtr remaining);
}
