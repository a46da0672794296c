using TuningService.Core.Configuration;
using TuningService.Core.FineTuning.Memory;

namespace TuningService.Core.Tests.Configuration;

/// <summary>Tuning:WorkerMemoryBytes at start-up, and the default it falls back to.</summary>
public sealed class WorkerMemoryBytesValidationTests
{
    [Fact]
    public void A_limit_below_256_MiB_stops_the_process_with_the_setting_named()
    {
        var problems = TuningOptionsValidation.Problems(new TuningOptions { WorkerMemoryBytes = 24 });
        Assert.Contains(problems, p => p.Contains("Tuning:WorkerMemoryBytes is 24", StringComparison.Ordinal));
        Assert.Empty(TuningOptionsValidation.Problems(new TuningOptions { WorkerMemoryBytes = 8L << 30 }));
        Assert.Empty(TuningOptionsValidation.Problems(new TuningOptions()));
    }

    [Fact]
    public void Left_out_the_limit_is_the_machines_memory_less_a_margin()
    {
        Assert.Equal(8L << 30, WorkerMemoryLimit.Resolve(8L << 30));
        var machine = WorkerMemoryLimit.Resolve(null);
        Assert.Equal(WorkerMemoryLimit.MachineDefault(), machine);
        if (!OperatingSystem.IsLinux()) return;
        var total = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))["MemTotal:".Length..].Trim().Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture) * 1024;
        Assert.True(machine <= total - WorkerMemoryLimit.MinimumMarginBytes, $"{machine} should leave at least 1 GiB of {total}");
        Assert.True(machine > 0);
    }
}
