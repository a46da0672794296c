using System.Diagnostics;
using System.Globalization;

namespace TuningService.Bench.ApiLoadBench;

/// <summary>
/// The .NET runtime's background JIT thread of a process (".NET Tiered Com…" in /proc): for the first 15-25 s after the
/// API starts and a job starts training it recompiles hot methods (API, EF Core, trainer) at full optimisation and
/// takes up to half a core at nice 0. That is start-up, not the steady state the latency target is about, so the
/// measurements wait until it is quiet.
/// </summary>
public static class TieredCompilationThread
{
    private const string Name = ".NET Tiered Com"; // comm is cut at 15 characters

    /// <summary>Waits until the thread used at most one clock tick (10 ms) of CPU in 2 s, or the timeout; returns how long it waited.</summary>
    public static async Task<TimeSpan> WaitUntilQuietAsync(int pid, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var before = CpuTicks(pid);
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var now = CpuTicks(pid);
            if (now - before <= 1) break;
            before = now;
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static long CpuTicks(int pid)
    {
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (stat[(open + 1)..close] != Name) continue;
            var fields = stat[(close + 2)..].Split(' ');
            ticks += long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        }
        return ticks;
    }
}
