using System.Globalization;

namespace TuningService.Core.FineTuning.Memory;

/// <summary>
/// The memory a training worker may use when Tuning:WorkerMemoryBytes is not set: the machine's (MemTotal), or the
/// cgroup's limit when one is set and smaller (a container), less a margin.
/// </summary>
/// <remarks>
/// The margin is a tenth of the memory, at least 1 GiB: the kernel, the page cache the job's files and checkpoint
/// writes go through, the database in embedded mode and the model cache of an API that serves inference beside the
/// worker all live there, and the estimate itself is held to ±15%, so a plan that uses the last byte is not a plan.
/// A CUDA worker's limit is the GPU's memory; TorchSharp cannot read it, so such a deployment sets
/// Tuning:WorkerMemoryBytes.
/// </remarks>
public static class WorkerMemoryLimit
{
    public const long MinimumMarginBytes = 1L << 30;
    public const double MarginShare = 0.10;

    /// <summary>The limit: the configured one, else the machine's (or cgroup's) memory less the margin.</summary>
    public static long Resolve(long? configured) => configured ?? MachineDefault();

    public static long MachineDefault()
    {
        var total = Math.Min(MemTotal() ?? long.MaxValue, CgroupLimit() ?? long.MaxValue);
        if (total == long.MaxValue) total = 16L << 30; // neither readable (not Linux): a conservative guess, said in the docs
        return total - Math.Max(MinimumMarginBytes, (long)(total * MarginShare));
    }

    /// <summary>/proc/meminfo's MemTotal in bytes, or null off Linux.</summary>
    static long? MemTotal()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>cgroup v2's memory.max ("max" = none), or null.</summary>
    static long? CgroupLimit()
    {
        try
        {
            const string path = "/sys/fs/cgroup/memory.max";
            if (!File.Exists(path)) return null;
            var text = File.ReadAllText(path).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
