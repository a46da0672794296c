using System.Globalization;

namespace TuningService.Bench.ServiceHarness;

/// <summary>One figure for bench/run's summary table: `SUITE key value unit`, tab-separated, invariant culture.</summary>
public static class SuiteLine
{
    public static void Print(string key, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\t{key}\t{value:0.###}\t{unit}"));
}
