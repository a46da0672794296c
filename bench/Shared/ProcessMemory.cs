using System.Globalization;

namespace TuningService.Bench;

/// <summary>
/// This process's resident memory from /proc/self/status (Linux), in MiB. Shared by the benchmarks that measure
/// memory (FineTuneBench, IngestBench): each project compiles this file in (see its .csproj).
/// </summary>
public static class ProcessMemory
{
    /// <summary>VmRSS: resident now.</summary>
    public static double ResidentMb() => StatusMb("VmRSS");

    /// <summary>VmHWM: the most ever resident (since the start or the last <see cref="ResetPeak"/>).</summary>
    public static double PeakResidentMb() => StatusMb("VmHWM");

    /// <summary>
    /// Sets VmHWM back to the current RSS (proc(5): writing 5 to clear_refs resets the peak RSS), so the peak
    /// measured afterwards is the measured work's (training, an upload), not what came before it (loading).
    /// </summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static double StatusMb(string key)
    {
        // e.g. "VmHWM:	  320620 kB"
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        var kb = long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }
}
