using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using TuningService.Core.Training;

namespace TuningService.Bench.FineTuneBench;

/// <summary>Runs one configuration in a fresh copy of this program (`run MODEL MODE FOLDER STEPS WARMUP PRECISION`).</summary>
public static class ChildProcess
{
    public static BenchResult Run(string model, string mode, string folder, int steps, int warmupSteps, TrainingPrecision precision)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Started as `dotnet FineTuneBench.dll` rather than through the apphost: the host needs the dll again.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var argument in new[] { "run", model, mode, folder, $"{steps}", $"{warmupSteps}", $"{precision}" })
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        BenchResult? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(BenchResult.LinePrefix, StringComparison.Ordinal))
                result = JsonSerializer.Deserialize<BenchResult>(line[BenchResult.LinePrefix.Length..]);
            else
                Console.WriteLine($"  | {line}");
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"The run of {model} {mode} {precision} failed (exit code {process.ExitCode}).");
        return result;
    }
}
