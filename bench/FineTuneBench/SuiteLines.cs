using System.Globalization;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// The figures bench/run puts in its summary table, one `SUITE key value unit` line each (tab-separated, invariant
/// culture), so the script reads them without parsing the human-readable table.
/// </summary>
public static class SuiteLines
{
    public static void Print(IReadOnlyList<BenchResult> results, double? ceilingGflops)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var r in results)
        {
            var key = $"{Prefix(r.Model, r.Precision)}.{r.Mode}";
            Line($"{key}.tokens_per_s", r.MedianTokensPerSecond, "tokens/s");
            if (ceilingGflops is { } ceiling)
                Line($"{key}.mfu", 100 * r.Utilisation(ceiling), "%");
            Line($"{key}.peak_rss", r.TrainingPeakMiB, "MiB");
        }
        foreach (var (model, precision) in results.Select(r => (r.Model, r.Precision)).Distinct())
        {
            var full = results.FirstOrDefault(r => r.Model == model && r.Precision == precision && r.Mode == "full");
            var lora = results.FirstOrDefault(r => r.Model == model && r.Precision == precision && r.Mode == "lora");
            if (full is null || lora is null) continue;
            Line($"{Prefix(model, precision)}.lora_speedup", lora.MedianTokensPerSecond / full.MedianTokensPerSecond, "x");
            Line($"{Prefix(model, precision)}.lora_memory_share", 100 * lora.TrainingPeakMiB / full.TrainingPeakMiB, "%");
        }
    }

    /// <summary>fp32 keys as they always were (train.llama.full...), other precisions marked (train.llama.bf16.full...).</summary>
    private static string Prefix(string model, string precision) => precision == "fp32" ? $"train.{model}" : $"train.{model}.{precision}";

    private static void Line(string key, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\t{key}\t{value:0.###}\t{unit}"));
}
