using System.Globalization;

namespace TuningService.Bench.IngestBench;

/// <summary>This process's resident memory from /proc/self/status (Linux), in MiB.</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS: resident now.</summary>
    public static double ResidentMb() => StatusMb("VmRSS");

    /// <summary>VmHWM: the most ever resident (since the start or the last <see cref="ResetPeak"/>).</summary>
    public static double PeakResidentMb() => StatusMb("VmHWM");

    /// <summary>Sets VmHWM back to the current RSS (proc(5): writing 5 to clear_refs), so the peak measured afterwards is the upload's.</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static double StatusMb(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        var kb = long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }
}
